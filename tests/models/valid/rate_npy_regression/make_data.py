# Makes the .npy files of this model with NumPy (run once by hand:
# /usr/bin/python3 make_data.py; the tests never need NumPy): a regression
# data set, y = tanh(A x) with a fixed 2 x 4 matrix A (no offset: rate
# layers have no bias, so the network's function is odd), x uniform in
# [-1, 1]^4; 400 training and 100 test samples, inputs and targets as
# float64, as a user's np.save would write them.
import numpy as np

rng = np.random.default_rng(11)
A = np.array([[1.2, -0.8, 0.5, 0.0], [-0.4, 0.9, 0.0, 1.1]])


def samples(n):
    x = rng.uniform(-1.0, 1.0, size=(n, 4))
    return x, np.tanh(x @ A.T)


for part, n in (("train", 400), ("test", 100)):
    x, y = samples(n)
    np.save(part + "_x.npy", x)
    np.save(part + "_t.npy", y)
