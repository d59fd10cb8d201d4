#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpus (Fuzz/Corpus/<target>/): small valid and nearly valid
files of each format, so that libFuzzer starts from inputs that pass the first checks.

    python3 Fuzz/make_corpus.py
"""
import gzip
import json
import random
import struct
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent / "Corpus"
random.seed(0)


def write(target, name, data):
    path = ROOT / target / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def csv_rows(rows, columns, count):
    lines = []
    for i in range(count):
        pixels = [random.choice([0, 0, 255, random.randrange(256)]) for _ in range(rows * columns)]
        lines.append(",".join(map(str, pixels + [i % 10])))
    return ("\n".join(lines) + "\n").encode()


def idx(dimensions, data):
    return bytes([0, 0, 8, len(dimensions)]) + b"".join(struct.pack(">I", d) for d in dimensions) + bytes(data)


# gzip: stored, fixed and dynamic blocks, two members, and padding after the last.
text = csv_rows(2, 2, 40)
write("FuzzGzip", "fixed.gz", gzip.compress(b"hello hello hello, gumbel!\n", mtime=0))
write("FuzzGzip", "dynamic.gz", gzip.compress(text, compresslevel=9, mtime=0))
write("FuzzGzip", "stored.gz", gzip.compress(text, compresslevel=0, mtime=0))
write("FuzzGzip", "members.gz", gzip.compress(b"first ", mtime=0) + gzip.compress(b"second", mtime=0) + b"\0\0")
write("FuzzGzip", "empty.gz", gzip.compress(b"", mtime=0))
deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
write("FuzzGzip", "runs.gz", deflate.compress(b"0," * 4000) + deflate.flush())

# CSV: the first byte picks rows and columns (1 + b & 3, 1 + b >> 2 & 3).
for rows, columns in [(1, 1), (2, 2), (2, 3), (4, 4)]:
    first = bytes([(rows - 1) | (columns - 1) << 2])
    write("FuzzCSV", f"rows-{rows}x{columns}.csv", first + csv_rows(rows, columns, 3))
write("FuzzCSV", "crlf-blank.csv", bytes([5]) + b"0,255,3,4,7\r\n\r\n 1, 2 ,3,4,\t9\n")
write("FuzzCSV", "bad-field.csv", bytes([5]) + b"0,1,2,3,4\n0,1,x,3,4\n")

# IDX: labels, images, and headers that promise more or less than they hold.
write("FuzzIDX", "labels.idx1", idx([5], [3, 1, 4, 1, 5]))
write("FuzzIDX", "images.idx3", idx([2, 2, 3], range(12)))
write("FuzzIDX", "short.idx3", idx([2, 2, 3], range(7)))
write("FuzzIDX", "long.idx1", idx([2], [1, 2, 3]))
write("FuzzIDX", "rank4.idx", idx([1, 1, 2, 2], [9, 8, 7, 6]))


# Checkpoints (without their checksum, which the harness appends): a tiny model, version 4.
def checkpoint(version=4, learns_prior=False, latent_type="categorical"):
    pixels, hidden, latents, categories = 4, [3, 2], 2, 2
    logits = 1 if latent_type == "bernoulli" else categories
    code = latents * logits

    def perceptron(sizes):
        return [s for i in range(3) for s in ([sizes[i], sizes[i + 1]], [sizes[i + 1]])]

    shapes = perceptron([pixels, *hidden, code]) + perceptron([code, hidden[1], hidden[0], pixels]) + [[latents, logits]]
    configuration = {
        "batchSize": 2, "categoryCount": categories, "draws": 4, "epochBoundSamples": 0, "estimator": "st-gs",
        "evaluationSamples": 2, "hiddenSizes": hidden, "initialTemperature": 1, "latentCount": latents,
        "latentType": latent_type, "learningRate": 0.001, "learningRateDecay": 1, "learningRateDecaySteps": 1000,
        "learnsPrior": learns_prior, "minimumTemperature": 0.5, "seed": 0, "temperatureDecay": 0.0003,
        "temperatureInterval": 1,
    }
    header = {
        "baselineMovingAverage": 0, "configuration": configuration, "dataFingerprint": "c5fe49be8ebeb7db",
        "epoch": 1, "epochs": [{"epoch": 1, "seconds": 0.5, "temperature": 1, "testNegELBO": 3.5, "trainLoss": 3.25}],
        "momentTensors": 2 * len(shapes), "optimizerStep": 1, "parameterTensors": len(shapes), "pixelCount": pixels,
        "step": 1, "stepLosses": [3.25],
    }
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    out = b"GVAECKPT" + struct.pack("<IQ", version, len(text)) + text
    for shape in shapes * 3:
        count = 1
        for d in shape:
            count *= d
        out += struct.pack("<I", len(shape)) + b"".join(struct.pack("<Q", d) for d in shape)
        out += b"".join(struct.pack("<f", random.uniform(-1, 1)) for _ in range(count))
    return out


write("FuzzCheckpoint", "categorical.gvae", checkpoint())
write("FuzzCheckpoint", "bernoulli-learned-prior.gvae", checkpoint(learns_prior=True, latent_type="bernoulli"))
write("FuzzCheckpoint", "not-a-checkpoint", b"GVAECKPT" + b"\4\0\0\0" + b"\0" * 8)
