package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimedIterationsTest {
    @Test
    void preparesEveryIterationAndTimesTheLastOnes() {
        List<String> log = new ArrayList<>();
        TimedIterations.Result r = TimedIterations.run(2, 3, i -> {
            log.add("prepare " + i);
            return () -> log.add("run " + i);
        });
        assertEquals(List.of("prepare 0", "run 0", "prepare 1", "run 1", "prepare 2", "run 2", "prepare 3", "run 3",
                "prepare 4", "run 4"), log);
        assertEquals(3, r.millis().size());
        assertTrue(r.millis().stream().allMatch(ms -> ms >= 0));
    }

    @Test
    void needsAtLeastOneTimedIteration() {
        assertThrows(IllegalArgumentException.class, () -> TimedIterations.run(1, 0, i -> () -> { }));
    }
}
