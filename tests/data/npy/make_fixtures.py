# Makes the committed .npy fixtures of tests/test_npy.c with NumPy (run once
# by hand: /usr/bin/python3 make_fixtures.py; the tests never need NumPy).
# Each array's values are also written into the test, which checks them.
import numpy as np
from numpy.lib import format as npf

a = np.arange(12, dtype=np.float64).reshape(3, 4) / 8.0 - 0.5  # exact in binary
np.save("f8_3x4.npy", a)
np.save("f4_3x4.npy", a.astype(np.float32))
np.save("be_f8_3x4.npy", a.astype(">f8"))
np.save("be_f4_3x4.npy", a.astype(">f4"))
np.save("fortran_3x4.npy", np.asfortranarray(a))
b = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
np.save("fortran_2x3x4.npy", np.asfortranarray(b))
np.save("labels_i8.npy", np.array([0, 1, 2, 1, 0], dtype=np.int64))
np.save("labels_i4.npy", np.array([0, 1, 2, 1, 0], dtype=np.int32))
np.save("labels_u1.npy", np.array([0, 1, 2, 1, 0], dtype=np.uint8))
np.save("scalar.npy", np.float64(2.5))
np.save("empty_0x3.npy", np.zeros((0, 3)))
for version in [(2, 0), (3, 0)]:
    with open("v%d_3x4.npy" % version[0], "wb") as f:
        npf.write_array(f, a, version=version)

# The invalid .npy data cases of tests/models/invalid/rate_npy_*: each a
# model.json and the arrays it names (their expected messages are written
# by hand there).
import json
import os

X = np.arange(10, dtype=np.float64).reshape(5, 2)
Y = np.array([0, 1, 0, 1, 1])


def case(name, data, arrays, loss="none", in_size=2, raw=None):
    d = os.path.join("..", "..", "models", "invalid", "rate_npy_" + name)
    os.makedirs(d, exist_ok=True)
    for f, a in arrays.items():
        np.save(os.path.join(d, f), a)
    for f, b in (raw or {}).items():
        with open(os.path.join(d, f), "wb") as fh:
            fh.write(b)
    model = {
        "format": "metaplast-model", "version": 1, "name": "case", "network": "rate",
        "seed": 1, "training": {"samples": 10, "loss": loss},
        "data": dict({"source": "npy"}, **data),
        "populations": [
            {"name": "in", "model": "rate_input", "size": in_size},
            {"name": "out", "model": "rate", "size": 2,
             "activation": "softmax" if loss != "none" else "linear"}],
        "projections": [{"name": "w", "source": "in", "target": "out"}]}
    with open(os.path.join(d, "model.json"), "w") as fh:
        json.dump(model, fh, indent=2)
        fh.write("\n")


xy = {"train_inputs": "x.npy", "train_labels": "y.npy"}
case("labels_count_mismatch", xy, {"x.npy": X, "y.npy": Y[:4]})
case("inputs_integer_dtype", xy, {"x.npy": X.astype(np.int64), "y.npy": Y})
case("inputs_complex_dtype", xy, {"x.npy": X.astype(np.complex128), "y.npy": Y})
full = open("f8_3x4.npy", "rb").read()
case("inputs_truncated", xy, {"y.npy": Y}, raw={"x.npy": full[:-8]})
case("inputs_not_npy", xy, {"y.npy": Y}, raw={"x.npy": b"0,1\n2,3\n"})
case("inputs_missing", xy, {"y.npy": Y})
case("label_not_integer", xy, {"x.npy": X, "y.npy": np.array([0, 1, 0.5, 1, 0])})
case("label_out_of_range", dict(xy, n_classes=2), {"x.npy": X, "y.npy": Y + [0, 0, 0, 1, 0]})
Xn = X.copy()
Xn[3, 1] = np.nan
case("input_not_finite", xy, {"x.npy": Xn, "y.npy": Y})
case("input_size_mismatch", xy, {"x.npy": X, "y.npy": Y}, in_size=3)
case("labels_and_targets", dict(xy, train_targets="t.npy"), {"x.npy": X, "y.npy": Y, "t.npy": X})
case("test_features_mismatch", dict(xy, test_inputs="xt.npy", test_labels="yt.npy"),
     {"x.npy": X, "y.npy": Y, "xt.npy": X[:, :1], "yt.npy": Y})
case("test_without_labels", dict(xy, test_inputs="xt.npy"), {"x.npy": X, "y.npy": Y, "xt.npy": X})
case("targets_with_loss", {"train_inputs": "x.npy", "train_targets": "t.npy"},
     {"x.npy": X, "t.npy": X}, loss="mse")
case("inputs_one_dimensional", xy, {"x.npy": X[:, 0], "y.npy": Y})
case("n_classes_without_labels", {"train_inputs": "x.npy", "n_classes": 3}, {"x.npy": X})
case("classes_without_labels", {"train_inputs": "x.npy", "train_targets": "t.npy",
                                 "classes": [0]}, {"x.npy": X, "t.npy": X})
case("test_labels_without_inputs", dict(xy, test_labels="yt.npy"), {"x.npy": X, "y.npy": Y})

# A valid model with regression targets, of which train_limit keeps 3 rows
# (tests/test_dataset_npy.c checks the rows kept).
d = os.path.join("..", "..", "models", "valid", "rate_npy_targets")
os.makedirs(d, exist_ok=True)
np.save(os.path.join(d, "x.npy"), X)
np.save(os.path.join(d, "t.npy"), X[:, ::-1] * 10)
np.save(os.path.join(d, "xt.npy"), X[:2])
np.save(os.path.join(d, "tt.npy"), X[:2, ::-1] * 10)
model = {
    "format": "metaplast-model", "version": 1, "name": "rate_npy_targets",
    "network": "rate", "seed": 1, "training": {"samples": 10, "loss": "none"},
    "data": {"source": "npy", "train_inputs": "x.npy", "train_targets": "t.npy",
             "test_inputs": "xt.npy", "test_targets": "tt.npy", "train_limit": 3},
    "populations": [{"name": "in", "model": "rate_input", "size": 2},
                    {"name": "out", "model": "rate", "size": 2}],
    "projections": [{"name": "w", "source": "in", "target": "out"}]}
with open(os.path.join(d, "model.json"), "w") as fh:
    json.dump(model, fh, indent=2)
    fh.write("\n")
with open(os.path.join(d, "expected"), "w") as fh:
    fh.write("ok: rate_npy_targets\n")
