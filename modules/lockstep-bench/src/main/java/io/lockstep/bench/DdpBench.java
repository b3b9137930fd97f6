package io.lockstep.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The PyTorch DDP side: runs {@code ddp_bench.py} (bundled in the bench jar, written to a temporary file)
 * with a Python that can import torch, as a subprocess with {@code OMP_NUM_THREADS=1}, one call per global
 * batch, and parses its JSON line ({@link DdpResult}). {@link #probe} finds that Python or says why there
 * is none, so the bench can skip the side with one line instead of failing.
 */
final class DdpBench {
    /** The script's name, as a resource next to this class and in messages. */
    static final String SCRIPT = "ddp_bench.py";
    /** Tried in this order when no {@code --python} is given: the one on PATH, then Debian's (where python3-torch installs). */
    static final List<String> DEFAULT_PYTHONS = List.of("python3", "/usr/bin/python3");
    static final String INSTALL_HINT = "apt-get install python3-torch";
    private static final String PROBE = "import torch, torch.distributed as d; "
            + "assert d.is_available() and d.is_gloo_available(), 'torch without the Gloo backend'; "
            + "print(torch.__version__)";
    private static final Map<String, String> ONE_THREAD = Map.of("OMP_NUM_THREADS", "1", "MKL_NUM_THREADS", "1");
    private static final long PROBE_SECONDS = 120;
    /** Upper bound on one call (all three measurements at one B): a stuck Gloo rendezvous fails instead of hanging. */
    private static final long RUN_SECONDS = 900;

    private final String python;
    private final Path script;
    private final List<String> fixedArgs;
    private final List<String> rawLines = new ArrayList<>();

    /**
     * @param python    interpreter that can import torch (from {@link #probe})
     * @param script    the script file ({@link #extractScript})
     * @param fixedArgs arguments for every call besides the batch and step counts ({@link #fixedArgs})
     */
    DdpBench(String python, Path script, List<String> fixedArgs) {
        this.python = python;
        this.script = script;
        this.fixedArgs = List.copyOf(fixedArgs);
    }

    /** Which Python to use and its torch version, or why none can run the side. */
    record Probe(String python, String torchVersion, String skipReason) {
        boolean available() {
            return python != null;
        }
    }

    /**
     * The first of {@code candidates} that imports torch with Gloo; otherwise why not: {@code python3-torch is
     * not installed: apt-get install python3-torch (tried ...)} when none has torch, else what each one said.
     */
    static Probe probe(List<String> candidates) {
        List<String> tried = new ArrayList<>();
        boolean noTorch = true;
        for (String py : candidates) {
            Subprocess.Result r = Subprocess.run(List.of(py, "-c", PROBE), ONE_THREAD, PROBE_SECONDS);
            if (r.ok()) {
                return new Probe(py, r.stdout().strip(), null);
            }
            noTorch &= r.notStarted() || r.detail().contains("No module named 'torch'");
            tried.add(py + ": " + r.problem());
        }
        String reason = noTorch
                ? "python3-torch is not installed: " + INSTALL_HINT + " (tried " + String.join(", ", candidates) + ")"
                : "no usable PyTorch with Gloo (" + String.join("; ", tried) + ")";
        return new Probe(null, null, reason);
    }

    /** Copies the bundled script into a new temporary file (deleted when the JVM exits). */
    static Path extractScript() throws IOException {
        Path file = Files.createTempFile("lockstep-ddp-bench-", ".py");
        file.toFile().deleteOnExit();
        try (InputStream in = DdpBench.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IOException(SCRIPT + " is missing from the bench jar (rebuild modules/lockstep-bench)");
            }
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    /** The arguments every call shares: the bench's optimizer, learning rate and seed, and the training IDX files. */
    static List<String> fixedArgs(String optimizer, double lr, long seed, Path images, Path labels) {
        return List.of("--optimizer", optimizer, "--lr", String.format(Locale.ROOT, "%s", lr), "--seed",
                String.valueOf(seed), "--images", images.toString(), "--labels", labels.toString());
    }

    /** Runs the script for one global batch: {@code warmup} discarded and {@code steps} measured steps per measurement. */
    DdpResult run(int batch, int warmup, int steps) {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--batches", String.valueOf(batch),
                "--warmup", String.valueOf(warmup), "--steps", String.valueOf(steps)));
        cmd.addAll(fixedArgs);
        Subprocess.Result r = Subprocess.run(cmd, ONE_THREAD, RUN_SECONDS);
        if (!r.ok()) {
            throw new IllegalStateException("pytorch-ddp: " + SCRIPT + " failed at B=" + batch + " (" + r.problem() + ")");
        }
        List<String> lines = jsonLines(r.stdout());
        List<DdpResult> results = lines.stream().map(DdpResult::parse).toList();
        if (results.size() != 1 || results.get(0).globalBatch() != batch) {
            throw new IllegalStateException("pytorch-ddp: " + SCRIPT + " printed " + results.size()
                    + " results for B=" + batch + ", expected one for that batch");
        }
        rawLines.addAll(lines);
        return results.get(0);
    }

    /** The script's JSON lines of every {@link #run} so far, as printed (for the run record). */
    List<String> rawLines() {
        return List.copyOf(rawLines);
    }

    /** The lines of {@code stdout} that hold a JSON object (other lines are ignored). */
    static List<String> jsonLines(String stdout) {
        List<String> out = new ArrayList<>();
        for (String line : stdout.split("\\R")) {
            if (line.strip().startsWith("{")) {
                out.add(line.strip());
            }
        }
        return out;
    }
}
