/** Immutable, validated configuration records for training runs. */
package io.lockstep.config;
