package io.lockstep.app;

import picocli.CommandLine;

/** Versions of Lockstep and of the stack it runs on, for {@code --version} and run.json. */
public final class Versions implements CommandLine.IVersionProvider {
    public static final String DL4J = "1.0.0-M2.1";

    /** Lockstep's own version from the jar manifest, or "dev" when run from classes. */
    public static String lockstep() {
        String v = Versions.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    public static String spark() {
        return io.lockstep.spark.run.Runner.sparkVersion();
    }

    @Override
    public String[] getVersion() {
        return new String[] {"lockstep " + lockstep(), "Spark " + spark() + ", DL4J/ND4J " + DL4J
                + ", Java " + System.getProperty("java.version")};
    }
}
