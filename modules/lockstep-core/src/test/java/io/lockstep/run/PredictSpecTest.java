package io.lockstep.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lockstep.config.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PredictSpec validation names the field and the value; feature selection defaults as for training. */
class PredictSpecTest {
    private static PredictSpec spec(DataSpec.Kind kind, String labels, String labelCol, String featuresCol,
                                    List<String> featureCols, int batch) {
        return new PredictSpec("run", kind, "in", labels, labelCol, featuresCol, featureCols, "out", batch);
    }

    private static void assertRejected(String fragment, Runnable build) {
        ConfigException e = assertThrows(ConfigException.class, build::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void featureSelectionDefaults() {
        PredictSpec parquet = spec(DataSpec.Kind.PARQUET, null, null, null, null, 1);
        assertEquals("features", parquet.resolvedFeaturesCol());
        assertNull(parquet.resolvedFeatureCols());
        PredictSpec csv = spec(DataSpec.Kind.CSV, null, null, null, null, 1);
        assertNull(csv.resolvedFeaturesCol());
        assertEquals(List.of(), csv.resolvedFeatureCols());
        PredictSpec cols = spec(DataSpec.Kind.PARQUET, null, "y", null, List.of("px*"), 1);
        assertNull(cols.resolvedFeaturesCol());
        assertEquals(List.of("px*"), cols.resolvedFeatureCols());
    }

    @Test
    void badFieldsAreNamed() {
        assertRejected("batch must be at least 1 (got 0)", () -> spec(DataSpec.Kind.IDX, null, null, null, null, 0));
        assertRejected("format must be parquet, csv or idx (got mnist)",
                () -> spec(DataSpec.Kind.MNIST, null, null, null, null, 1));
        assertRejected("labels are only for idx input", () -> spec(DataSpec.Kind.CSV, "l.idx", null, null, null, 1));
        assertRejected("labelCol is only for parquet or csv input", () -> spec(DataSpec.Kind.IDX, null, "y", null, null, 1));
        assertRejected("featuresCol needs parquet input", () -> spec(DataSpec.Kind.CSV, null, null, "f", null, 1));
        assertRejected("featuresCol cannot be combined with featureCols",
                () -> spec(DataSpec.Kind.PARQUET, null, null, "f", List.of("a"), 1));
        assertRejected("out must be given",
                () -> new PredictSpec("run", DataSpec.Kind.IDX, "in", null, null, null, null, " ", 1));
        assertRejected("model must be given",
                () -> new PredictSpec(null, DataSpec.Kind.IDX, "in", null, null, null, null, "out", 1));
    }
}
