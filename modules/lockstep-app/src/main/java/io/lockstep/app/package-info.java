/** The {@code lockstep} command line: a thin shell over the library API, and the spark-submit entry point. */
package io.lockstep.app;
