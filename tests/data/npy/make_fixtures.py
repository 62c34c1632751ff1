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
