package io.lockstep.config;

/**
 * An invalid configuration value: the message names the field, the value and the rule it breaks; always one line
 * (control characters from the input are escaped, {@link OneLine}).
 */
public class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) { super(OneLine.of(message)); }
}
