package io.lockstep.app.train;

import io.lockstep.optim.OptimizerConfig;
import io.lockstep.optim.OptimizerType;
import picocli.CommandLine.Option;

/** Optimizer and regularization options of {@code lockstep train}. */
final class OptimizerOptions {
    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam",
            description = "sgd, nesterov, adam (DL4J's Sgd, Nesterovs, Adam update rules), lars or lamb. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9",
            description = "Momentum for nesterov and lars. Default: ${DEFAULT-VALUE}.")
    double momentum;

    @Option(names = "--epsilon", paramLabel = "EPS",
            description = "Epsilon for adam (default 1e-8, DL4J's) and lamb (default 1e-6).")
    Double epsilon;

    @Option(names = "--l2", paramLabel = "L", defaultValue = "0",
            description = "L2 on weights, added to the averaged gradient once on the driver. Default: ${DEFAULT-VALUE}.")
    double l2;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "0",
            description = "Weight decay on weights, on the driver: update += wd*lr*w (sgd/nesterov/adam) or the "
                    + "decay term inside the LARS/LAMB trust ratio. Default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--trust-coefficient", paramLabel = "TAU", defaultValue = "0.001",
            description = "LARS trust coefficient (You et al. 2017). Default: ${DEFAULT-VALUE}.")
    double trustCoefficient;

    @Option(names = "--trust-biases", defaultValue = "false",
            description = "Apply the LARS/LAMB trust ratio and decay to biases too (default: biases excluded).")
    boolean trustBiases;

    @Option(names = "--momentum-correction", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Goyal's momentum correction: rescale the velocity of nesterov/lars by lr_new/lr_old when "
                    + "the learning rate changes. Default: ${DEFAULT-VALUE}.")
    boolean momentumCorrection;

    OptimizerConfig toConfig() {
        OptimizerConfig c = OptimizerConfig.of(OptimizerType.parse(optimizer)).withL2(l2).withWeightDecay(weightDecay)
                .withMomentum(momentum).withTrustCoefficient(trustCoefficient).withExcludeBiases(!trustBiases)
                .withMomentumCorrection(momentumCorrection);
        return epsilon == null ? c : c.withEpsilon(epsilon);
    }
}
