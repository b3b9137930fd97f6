package io.lockstep.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.lockstep.data.DataException;
import org.junit.jupiter.api.Test;

/** {@link OneLine}, and the bad-input exceptions that use it (fuzz finding: a path of "\n" printed two lines). */
class OneLineTest {
    @Test
    void escapesLineBreaksAndControlCharacters() {
        assertEquals("a\\nb\\r\\tc\\u0000d\\u2028e\\u0085f", OneLine.of("a\nb\r\tc\u0000d\u2028e\u0085f"));
    }

    @Test
    void leavesPrintableTextAlone() {
        String s = "file:///data/x.csv: label column 'ü y' not found";
        assertSame(s, OneLine.of(s));
        assertNull(OneLine.of(null));
    }

    @Test
    void badInputExceptionsAreOneLine() {
        assertEquals("csv path must be given (got \\n)", new ConfigException("csv path must be given (got \n)").getMessage());
        assertEquals("f: column 'a\\nb' not found", new DataException("f: column 'a\nb' not found").getMessage());
        assertEquals("x\\ry", new DataException("x\ry", new RuntimeException()).getMessage());
    }
}
