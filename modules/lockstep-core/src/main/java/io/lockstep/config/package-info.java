/** Immutable, validated configuration records for training runs, and the one-line form of bad-input messages. */
package io.lockstep.config;
