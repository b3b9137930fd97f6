package io.lockstep.bench.jmh;

import io.lockstep.grad.GradientSum;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Compares the gradients of {@link ModelComputeBench}'s batches across nd4j-native classifier jars:
 * {@code dump DIR} writes each built-in model's gradient sum (float32, big-endian) and loss sum to
 * {@code DIR/<model>.bin} with whatever native library JavaCPP loaded; {@code compare REF DIR} prints, per
 * model, the largest |a − b| / max(|a|, |b|, 1e-6 · max|a|) over the slots and the loss difference.
 */
public final class GradientDump {
    private static final String[] MODELS = {"mlp", "lenet", "resnet"};

    private GradientDump() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 2 && args[0].equals("dump")) {
            dump(Path.of(args[1]));
        } else if (args.length == 3 && args[0].equals("compare")) {
            compare(Path.of(args[1]), Path.of(args[2]));
        } else {
            System.err.println("usage: GradientDump dump DIR | compare REF DIR");
            System.exit(2);
        }
    }

    private static void dump(Path dir) throws IOException {
        Files.createDirectories(dir);
        System.out.println("BLAS " + Nd4j.getExecutioner().getEnvironmentInformation().getProperty("blas.vendor", "?")
                + ", platform.extension '" + System.getProperty("org.bytedeco.javacpp.platform.extension", "")
                + "', helpers allowed " + Nd4j.getEnvironment().helpersAllowed());
        Loader.getLoadedLibraries().values().stream().filter(p -> p.contains("nd4jcpu")).sorted()
                .forEach(p -> System.out.println("loaded " + p));
        for (String model : MODELS) {
            ModelComputeBench b = new ModelComputeBench();
            b.model = model;
            b.setUp();
            GradientSum g = b.once();
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                    Files.newOutputStream(dir.resolve(model + ".bin"))))) {
                out.writeDouble(g.lossSum());
                out.writeInt(g.gradientSum().length);
                for (float v : g.gradientSum()) {
                    out.writeFloat(v);
                }
            }
        }
    }

    private static void compare(Path ref, Path dir) throws IOException {
        for (String model : MODELS) {
            Loaded a = load(ref.resolve(model + ".bin"));
            Loaded b = load(dir.resolve(model + ".bin"));
            double scale = 0;
            for (float v : a.grad) {
                scale = Math.max(scale, Math.abs(v));
            }
            double worst = 0;
            int identical = 0;
            for (int i = 0; i < a.grad.length; i++) {
                double d = Math.abs((double) a.grad[i] - b.grad[i]);
                double m = Math.max(Math.max(Math.abs(a.grad[i]), Math.abs(b.grad[i])), 1e-6 * scale);
                worst = Math.max(worst, d / m);
                identical += a.grad[i] == b.grad[i] ? 1 : 0;
            }
            System.out.printf("%-7s params %d  max rel diff %.3g  bit-identical %d/%d  loss %.9g vs %.9g%n", model,
                    a.grad.length, worst, identical, a.grad.length, a.loss, b.loss);
        }
    }

    private record Loaded(double loss, float[] grad) {}

    private static Loaded load(Path file) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            double loss = in.readDouble();
            float[] g = new float[in.readInt()];
            for (int i = 0; i < g.length; i++) {
                g[i] = in.readFloat();
            }
            return new Loaded(loss, g);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
