package io.lockstep.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The command-line spelling of a placement parses back to it; anything else is named in the error. */
class DataPlacementTest {
    @Test
    void parsesItsOwnSpellings() {
        for (DataPlacement p : DataPlacement.values()) {
            assertEquals(p, DataPlacement.parse(p.cliName()));
        }
    }

    @Test
    void rejectsOtherSpellingsNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataPlacement.parse("REPLICATED"));
        assertEquals("expected replicated or sharded (got 'REPLICATED')", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataPlacement.parse("striped"));
    }
}
