package io.lockstep.train;

import io.lockstep.model.ParamBlock;
import io.lockstep.model.ParamLayout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-parameter-block update-to-weight ratio ‖Δw‖/‖w‖ (the quantity LARS controls; You et al. 2017,
 * arXiv 1708.03888), keyed like DL4J's parameter table ("0_W", "0_b", "res1_conv_W", ...). Only trainable
 * blocks are reported: running statistics are not updated by the optimizer and frozen blocks not at all.
 */
public final class UpdateRatios {
    private UpdateRatios() {}

    /** Ratios of {@code update} to the weights {@code before} the update; NaN for an all-zero block. */
    public static Map<String, Double> of(ParamLayout layout, float[] before, float[] update) {
        Map<String, Double> ratios = new LinkedHashMap<>();
        for (ParamBlock b : layout.blocks()) {
            if (!b.trainable()) {
                continue;
            }
            double du = 0;
            double w = 0;
            for (int i = b.offset(); i < b.end(); i++) {
                du += (double) update[i] * update[i];
                w += (double) before[i] * before[i];
            }
            ratios.put(b.key(), w == 0 ? Double.NaN : Math.sqrt(du / w));
        }
        return ratios;
    }
}
