package io.lockstep.spark;

import io.lockstep.data.StepShare;
import io.lockstep.grad.GradientSum;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The step channel's messages, as the bodies of Spark network RPCs (framing, authentication and encryption are
 * Spark's). Every message starts with a type byte; numbers are little-endian and floats travel as their raw bits,
 * so parameters and partials arrive bit for bit.
 * <ul>
 *   <li>{@link #REGISTER} (task → driver): channel id, partition, attempt; answered {@link #ACCEPTED},
 *       {@link #STOP} (the channel is closing: end the task) or {@link #REJECTED} + reason;</li>
 *   <li>{@link #STEP} (driver → task): step, parameters, the partition's share; answered with a result
 *       (compute millis, count, parts, loss sum, small-batch squared-norm sum, gradient sum);</li>
 *   <li>{@link #STOP} (driver → task, one-way): end the task normally.</li>
 * </ul>
 */
final class ChannelMessages {
    static final byte REGISTER = 1;
    static final byte STEP = 2;
    static final byte STOP = 3;
    static final byte ACCEPTED = 4;
    static final byte REJECTED = 5;

    private ChannelMessages() {}

    /** A task's registration. */
    record Registration(String channelId, int partition, int attempt) {}

    /** One step's input for one partition. */
    record StepOrder(long step, float[] params, StepShare share) {}

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
     * A partition's order for {@code step}, in a new buffer (not reused: a resent order may still be being written
     * when its step completes).
     */
    static ByteBuffer stepOrder(long step, float[] params, StepShare share) {
        int size = 1 + 8 + 4 + params.length * Float.BYTES + 4 + share.rows().length * Integer.BYTES + 4
                + share.ghostEnds().length * Integer.BYTES + 4;
        ByteBuffer b = allocate(size).put(STEP).putLong(step);
        putFloats(b, params);
        putInts(b, share.rows());
        putInts(b, share.ghostEnds());
        return b.putInt(share.firstGhost()).flip();
    }

    static StepOrder readStepOrder(ByteBuffer message) {
        ByteBuffer b = reader(message, STEP);
        long step = b.getLong();
        float[] params = getFloats(b);
        int[] rows = getInts(b);
        int[] ghostEnds = getInts(b);
        return new StepOrder(step, params, new StepShare(rows, ghostEnds, b.getInt()));
    }

    static ByteBuffer result(TaskResult r) {
        GradientSum g = r.partial();
        float[] sum = g.gradientSum();
        ByteBuffer b = allocate(8 + 8 + 4 + 8 + 8 + 4 + (sum == null ? 0 : sum.length * Float.BYTES))
                .putDouble(r.computeMillis()).putLong(g.count()).putInt(g.parts()).putDouble(g.lossSum())
                .putDouble(g.partSqNormSum());
        if (sum == null) {
            b.putInt(-1);
        } else {
            putFloats(b, sum);
        }
        return b.flip();
    }

    static TaskResult readResult(ByteBuffer message) {
        ByteBuffer b = message.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        double millis = b.getDouble();
        long count = b.getLong();
        int parts = b.getInt();
        double lossSum = b.getDouble();
        double sq = b.getDouble();
        float[] g = b.getInt(b.position()) < 0 ? null : getFloats(b);
        return new TaskResult(count == 0 ? GradientSum.empty() : new GradientSum(g, lossSum, count, parts, sq), millis);
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

    private static void putFloats(ByteBuffer b, float[] a) {
        b.putInt(a.length);
        b.asFloatBuffer().put(a);
        b.position(b.position() + a.length * Float.BYTES);
    }

    private static float[] getFloats(ByteBuffer b) {
        float[] a = new float[b.getInt()];
        b.asFloatBuffer().get(a);
        b.position(b.position() + a.length * Float.BYTES);
        return a;
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
