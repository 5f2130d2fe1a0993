"""The numpy side of `npm run bench`: the same workloads as bench/bench.ts, timed in the same run.

Usage: python3 bench/numpy_bench.py RUNS_MATMUL RUNS_XOR RUNS_MNIST
Prints one JSON object on stdout: per workload the list of times in seconds, plus numpy's version,
its BLAS and the peak RSS of this process. bench.ts spawns it (also with OPENBLAS_NUM_THREADS=1 for
the 1-thread figures).

Workloads (the course's network and update rule, samples as columns, float64):
  matmul  W1 (100x784) @ A0 (784x100), one product per call
  xor     [2,4,1], 10,000 epochs, full batch, sigmoid, course rule E1 = W2.T @ E2, eta = 1
  mnist   [784,100,10], 600 steps of mini-batches of 100 (forward, backward, update W += eta/100 * dZ @ A.T),
          random inputs and one-hot (0.01/0.99) targets from a seeded generator, eta = 0.1
"""
import json
import resource
import sys
import time

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def init_weights(net_arch, seed):
    # the course: np.random.seed(s); W[l] = 2 * np.random.random((n_l, n_{l-1})) - 1, W1 first
    np.random.seed(seed)
    return [2 * np.random.random((net_arch[l + 1], net_arch[l])) - 1 for l in range(len(net_arch) - 1)]


def xor_train(epochs=10000, eta=1.0):
    X = np.array([[0, 0, 1, 1], [0, 1, 0, 1]], dtype=np.float64)
    Y = np.array([[0, 1, 1, 0]], dtype=np.float64)
    W1, W2 = init_weights([2, 4, 1], 1)
    cost = []
    for _ in range(epochs):
        A0 = X
        Z1 = W1 @ A0
        A1 = sigmoid(Z1)
        Z2 = W2 @ A1
        A2 = sigmoid(Z2)
        E2 = Y - A2
        E1 = W2.T @ E2
        dZ2 = E2 * A2 * (1 - A2)
        dZ1 = E1 * A1 * (1 - A1)
        W2 += eta * dZ2 @ A1.T
        W1 += eta * dZ1 @ A0.T
        cost.append(np.sqrt(np.sum(E2 * E2)))
    return W1, W2, cost


def mnist_data(samples=6000, seed=7):
    rng = np.random.RandomState(seed)
    X = rng.random_sample((784, samples))
    labels = rng.randint(0, 10, samples)
    Y = np.full((10, samples), 0.01)
    Y[labels, np.arange(samples)] = 0.99
    return X, Y


def mnist_train(X, Y, steps=600, batch=100, eta=0.1):
    W1, W2 = init_weights([784, 100, 10], 1)
    m = X.shape[1]
    start = 0
    for _ in range(steps):
        A0 = X[:, start:start + batch]
        Yb = Y[:, start:start + batch]
        start = (start + batch) % m
        Z1 = W1 @ A0
        A1 = sigmoid(Z1)
        Z2 = W2 @ A1
        A2 = sigmoid(Z2)
        E2 = Yb - A2
        E1 = W2.T @ E2
        dZ2 = E2 * A2 * (1 - A2)
        dZ1 = E1 * A1 * (1 - A1)
        W2 += (eta / batch) * (dZ2 @ A1.T)
        W1 += (eta / batch) * (dZ1 @ A0.T)
    return W1, W2


def timed(f, runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return times


def main():
    runs_matmul, runs_xor, runs_mnist = (int(a) for a in sys.argv[1:4])
    out = {"numpy": np.__version__}
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg.get("Build Dependencies", {}).get("blas", {})
        out["blas"] = f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # older numpy
        out["blas"] = "unknown"

    rng = np.random.RandomState(3)
    A = rng.random_sample((100, 784)) - 0.5
    B = rng.random_sample((784, 100)) - 0.5
    C = np.empty((100, 100))
    reps = 200
    for _ in range(20):
        np.matmul(A, B, out=C)

    def matmul_batch():
        for _ in range(reps):
            np.matmul(A, B, out=C)

    out["matmul"] = {"per_call": [t / reps for t in timed(matmul_batch, runs_matmul)], "flop": 2 * 100 * 784 * 100}

    if runs_xor > 0:
        xor_train(epochs=200)  # warm-up
        out["xor"] = timed(xor_train, runs_xor)
        W1, W2, _ = xor_train()
        out["xor_prediction"] = sigmoid(W2 @ sigmoid(W1 @ np.array([[0, 0, 1, 1], [0, 1, 0, 1]]))).ravel().tolist()

    if runs_mnist > 0:
        X, Y = mnist_data()
        mnist_train(X, Y, steps=20)  # warm-up
        out["mnist"] = timed(lambda: mnist_train(X, Y), runs_mnist)

    out["max_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(out))


if __name__ == "__main__":
    main()
