package io.lockstep.spark;

import io.lockstep.data.StepShare;
import io.lockstep.grad.GradientSum;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The step channel's messages, as Spark network RPCs and upload streams (framing, authentication and encryption
 * are Spark's). Every message (or stream header) starts with a type byte; numbers are little-endian and floats
 * travel as their raw bits, so parameters and partials arrive bit for bit. The two large payloads are stream
 * bodies, decoded chunk by chunk as they arrive ({@link FloatSink}) and sent from reused direct buffers
 * ({@link SendBuffers}).
 * <ul>
 *   <li>{@link #REGISTER} (task → driver): channel id, partition, attempt; answered {@link #ACCEPTED},
 *       {@link #STOP} (the channel is closing: end the task) or {@link #REJECTED} + reason;</li>
 *   <li>{@link #STEP} (driver → task, an upload stream): header = step, round, parameter count, the partition's
 *       share; body = the parameters; acknowledged once received;</li>
 *   <li>{@link #RESULT} (task → driver, an upload stream): header = round, partition, compute millis, count,
 *       parts, loss sum, small-batch squared-norm sum, gradient length; body = the gradient sum;</li>
 *   <li>{@link #STOP} (driver → task, one-way): end the task normally.</li>
 * </ul>
 */
final class ChannelMessages {
    static final byte REGISTER = 1;
    static final byte STEP = 2;
    static final byte STOP = 3;
    static final byte ACCEPTED = 4;
    static final byte REJECTED = 5;
    static final byte RESULT = 6;

    private ChannelMessages() {}

    /** A task's registration. */
    record Registration(String channelId, int partition, int attempt) {}

    /**
     * One step's order for one partition, as its header announces it.
     *
     * @param round  the driver's count of order rounds (a rolled-back step repeats its number, not its round)
     * @param params how many parameters the body carries
     */
    record StepHeader(long step, long round, int params, StepShare share) {}

    /**
     * A partition's result, as its header announces it; the body carries {@code gradientLength} floats (-1: no
     * gradient, an empty partial).
     */
    record ResultHeader(long round, int partition, double computeMillis, long count, int parts, double lossSum,
                        double partSqNormSum, int gradientLength) {
        /** The task result with {@code gradient} (null when the header announces none). */
        TaskResult toResult(float[] gradient) {
            return new TaskResult(count == 0 ? GradientSum.empty()
                    : new GradientSum(gradient, lossSum, count, parts, partSqNormSum), computeMillis);
        }
    }

    /** The type byte of {@code message} (its position is not moved). */
    static byte type(ByteBuffer message) {
        return message.get(message.position());
    }

    static ByteBuffer register(Registration r) {
        byte[] id = r.channelId().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = allocate(1 + 4 + id.length + 4 + 4).put(REGISTER).putInt(id.length).put(id)
                .putInt(r.partition()).putInt(r.attempt());
        return b.flip();
    }

    static Registration readRegistration(ByteBuffer message) {
        ByteBuffer b = reader(message, REGISTER);
        byte[] id = new byte[b.getInt()];
        b.get(id);
        return new Registration(new String(id, StandardCharsets.UTF_8), b.getInt(), b.getInt());
    }

    static ByteBuffer signal(byte type) {
        return allocate(1).put(type).flip();
    }

    static ByteBuffer rejected(String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        return allocate(1 + 4 + r.length).put(REJECTED).putInt(r.length).put(r).flip();
    }

    static String readRejection(ByteBuffer message) {
        ByteBuffer b = reader(message, REJECTED);
        byte[] r = new byte[b.getInt()];
        b.get(r);
        return new String(r, StandardCharsets.UTF_8);
    }

    /**
     * The header of a partition's order (an upload stream's metadata): step, round, parameter count, the
     * partition's share. The parameters follow as the stream's body ({@link #putFloats}).
     */
    static ByteBuffer stepHeader(StepHeader h) {
        StepShare share = h.share();
        int size = 1 + 8 + 8 + 4 + 4 + share.rows().length * Integer.BYTES + 4
                + share.ghostEnds().length * Integer.BYTES + 4;
        ByteBuffer b = allocate(size).put(STEP).putLong(h.step()).putLong(h.round()).putInt(h.params());
        putInts(b, share.rows());
        putInts(b, share.ghostEnds());
        return b.putInt(share.firstGhost()).flip();
    }

    static StepHeader readStepHeader(ByteBuffer message) {
        ByteBuffer b = reader(message, STEP);
        long step = b.getLong();
        long round = b.getLong();
        int params = nonNegative(b.getInt(), "parameter count");
        int[] rows = getInts(b);
        int[] ghostEnds = getInts(b);
        return new StepHeader(step, round, params, new StepShare(rows, ghostEnds, b.getInt()));
    }

    /** The header of a partition's result (an upload stream's metadata); the gradient sum follows as the body. */
    static ByteBuffer resultHeader(long round, int partition, TaskResult r) {
        GradientSum g = r.partial();
        float[] sum = g.gradientSum();
        return allocate(1 + 8 + 4 + 8 + 8 + 4 + 8 + 8 + 4).put(RESULT).putLong(round).putInt(partition)
                .putDouble(r.computeMillis()).putLong(g.count()).putInt(g.parts()).putDouble(g.lossSum())
                .putDouble(g.partSqNormSum()).putInt(sum == null ? -1 : sum.length).flip();
    }

    static ResultHeader readResultHeader(ByteBuffer message) {
        ByteBuffer b = reader(message, RESULT);
        return new ResultHeader(b.getLong(), b.getInt(), b.getDouble(), b.getLong(), b.getInt(), b.getDouble(),
                b.getDouble(), b.getInt());
    }

    /** Writes {@code a}'s raw bits into {@code target} from position 0 (its limit must be {@code a.length} floats). */
    static void putFloats(float[] a, ByteBuffer target) {
        if (target.limit() != a.length * Float.BYTES) {
            throw new IllegalArgumentException("a buffer of " + target.limit() + " bytes cannot carry " + a.length + " floats");
        }
        target.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(a);
    }

    private static int nonNegative(int n, String what) {
        if (n < 0) {
            throw new IllegalArgumentException("step channel: negative " + what + " " + n);
        }
        return n;
    }

    private static ByteBuffer allocate(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A little-endian view of {@code message} positioned after its type byte, which must be {@code expected}. */
    private static ByteBuffer reader(ByteBuffer message, byte expected) {
        ByteBuffer b = message.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        byte type = b.get();
        if (type != expected) {
            throw new IllegalArgumentException("step channel: expected message type " + expected + ", got " + type);
        }
        return b;
    }

    private static void putInts(ByteBuffer b, int[] a) {
        b.putInt(a.length);
        b.asIntBuffer().put(a);
        b.position(b.position() + a.length * Integer.BYTES);
    }

    private static int[] getInts(ByteBuffer b) {
        int[] a = new int[b.getInt()];
        b.asIntBuffer().get(a);
        b.position(b.position() + a.length * Integer.BYTES);
        return a;
    }
}
