# Makes the .npy files of this model with NumPy (run once by hand:
# /usr/bin/python3 make_data.py; the tests never need NumPy): three Gaussian
# blobs in 4 dimensions, 150 training and 60 test samples, inputs as
# float32 and labels as int64, as a user's np.save would write them.
import numpy as np

rng = np.random.default_rng(7)
centres = np.array([[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0]], dtype=np.float64)


def blobs(n):
    y = np.arange(n) % 3
    rng.shuffle(y)
    x = centres[y] + 0.6 * rng.standard_normal((n, 4))
    return x.astype(np.float32), y.astype(np.int64)


for part, n in (("train", 150), ("test", 60)):
    x, y = blobs(n)
    np.save(part + "_x.npy", x)
    np.save(part + "_y.npy", y)
