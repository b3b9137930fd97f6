package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class SideTest {
    @Test
    void parsesKeysAndAll() {
        assertEquals(EnumSet.of(Side.LOCKSTEP, Side.PA_F5), Side.parse(List.of("pa-f5", " Lockstep")));
        assertEquals(EnumSet.allOf(Side.class), Side.parse(List.of("lockstep", "all")));
    }

    @Test
    void unknownSideIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Side.parse(List.of("pa-f2")));
        assertTrue(e.getMessage().contains("'pa-f2'"), e.getMessage());
    }

    @Test
    void averagingFrequencyOnlyForParameterAveraging() {
        assertEquals(1, Side.PA_F1.averagingFrequency());
        assertEquals(5, Side.PA_F5.averagingFrequency());
        assertEquals(0, Side.DL4J_2T.averagingFrequency());
        assertEquals("dl4j_2t", Side.DL4J_2T.column());
    }
}
