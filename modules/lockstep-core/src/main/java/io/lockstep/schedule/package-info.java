/**
 * Learning-rate scaling rules and schedules (no Spark, no DL4J).
 *
 * <p>Invariants:
 * <ul>
 *   <li>One interface, {@link io.lockstep.schedule.LrSchedule}: the rate is a pure function of the
 *       0-based global step, with no state, so checkpoints, rollbacks and replays see the same rates.
 *       Warmups wrap a post-warmup schedule and delegate to it at the same absolute step.</li>
 *   <li>Where scaling happens: the trainer computes the peak once,
 *       {@code peak = scaling.scale(lr, B, B_ref)} ({@link io.lockstep.schedule.LrScaling}), then
 *       {@link io.lockstep.schedule.Schedules#create} shapes it over the steps: warmup on
 *       [0, T_w) from the reference (unscaled) rate unless told otherwise (Goyal et al. 2017,
 *       arXiv:1706.02677), decay on [T_w, T]. Schedules never see the batch size.</li>
 *   <li>Cosine and poly decays clamp: the final rate holds after step T.</li>
 *   <li>Invalid arguments throw {@link java.lang.IllegalArgumentException} naming the field and the
 *       value; {@code describe()} gives one line with everything that determines the rates.</li>
 * </ul>
 */
package io.lockstep.schedule;
