/** Datasets in compact in-memory form and readers for on-disk formats (IDX). Spark-free. */
package io.lockstep.data;
