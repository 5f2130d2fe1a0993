// hw01 hidden tests: the student's two-layer functions against src/'s NeuralNetwork (the reference).
// Inputs are seeded; references are computed here, in Node, never in the student's kernel.
import { Matrix, NeuralNetwork, Random, courseCost, xor } from "../../src/index";
import { Assignment, Case, randMatrix, randTargets, wire } from "../lib/grading";

/** A two-layer net holding copies of W1, W2 (NeuralNetwork.update changes its weights in place). */
function net2(W1: Matrix, W2: Matrix): NeuralNetwork {
  const net = new NeuralNetwork([W1.cols, W1.rows, W2.rows]);
  net.setWeights(W1.clone(), W2.clone());
  return net;
}

function refForward(W1: Matrix, W2: Matrix, X: Matrix) {
  const c = net2(W1, W2).forward(X);
  return { Z1: c.Z[1], A1: c.A[1], Z2: c.Z[2], A2: c.A[2] };
}

function refBackward(W1: Matrix, W2: Matrix, X: Matrix, Y: Matrix, rule: "lecture" | "exact") {
  const net = net2(W1, W2);
  const g = net.backward(net.forward(X), Y, rule);
  return { E2: g.E[2], dZ2: g.dZ[2], E1: g.E[1], dZ1: g.dZ[1], dW2: g.dW[2], dW1: g.dW[1] };
}

/** The course's training loop: per epoch forward, cost √ΣE2², backward (lecture rule), W += η·dW. */
function refTrain(W1: Matrix, W2: Matrix, X: Matrix, Y: Matrix, eta: number, epochs: number) {
  const net = net2(W1, W2);
  const cost: number[] = [];
  for (let e = 0; e < epochs; e++) {
    const g = net.backward(net.forward(X), Y, "lecture");
    cost.push(courseCost(g.E[2]));
    net.update(g, eta);
  }
  return { W1: net.W[1], W2: net.W[2], cost };
}

/** Random two-layer problem [n0, n1, n2] with m samples. */
function problem(seed: number, n0: number, n1: number, n2: number, m: number) {
  const rng = new Random(seed);
  return {
    W1: randMatrix(rng, n1, n0),
    W2: randMatrix(rng, n2, n1),
    X: randMatrix(rng, n0, m, -2, 2),
    Y: randTargets(rng, n2, m),
  };
}

const course = {
  W1: Matrix.from([[0.1, 0.4], [0.2, 0.2], [0.3, 0]]),
  W2: Matrix.from([[0.3, 0.2, 0.1], [0.2, 0.1, 0.1]]),
  X: Matrix.from([1, 0]),
  Y: Matrix.from([1, 1]),
};

const cases: Case[] = [];
function add(c: Omit<Case, "inputs"> & { inputs: Record<string, unknown> }): void {
  const inputs: Case["inputs"] = {};
  for (const [k, v] of Object.entries(c.inputs)) inputs[k] = wire(v);
  cases.push({ ...c, inputs });
}

// Q1 forward2
add({
  id: "forward2/worked-example", question: "forward2", visibility: "public",
  label: "강의의 2-3-2 예제 (x = [1, 0]ᵀ)", inputs: course,
  call: "forward2(I.W1, I.W2, I.X)", reference: () => refForward(course.W1, course.W2, course.X), atol: 1e-12,
});
for (const [k, [seed, a, b, c, m]] of [[1, [101, 3, 4, 2, 5]], [2, [102, 2, 3, 1, 4]], [3, [103, 5, 2, 3, 7]]] as const) {
  const p = problem(seed, a, b, c, m);
  add({
    id: `forward2/hidden-${k}`, question: "forward2", visibility: "hidden",
    label: `무작위 ${a}-${b}-${c} 신경망, 표본 ${m}개`, inputs: p,
    call: "forward2(I.W1, I.W2, I.X)", reference: () => refForward(p.W1, p.W2, p.X), atol: 1e-12,
  });
}

// Q2 backward2 (the course's rule)
add({
  id: "backward2/worked-example", question: "backward2", visibility: "public",
  label: "강의의 2-3-2 예제 (y = [1, 1]ᵀ)", inputs: course,
  call: "backward2(I.W1, I.W2, I.X, I.Y, forward2(I.W1, I.W2, I.X))",
  reference: () => refBackward(course.W1, course.W2, course.X, course.Y, "lecture"), atol: 1e-12,
});
for (const [k, [seed, a, b, c, m]] of [[1, [201, 3, 4, 2, 5]], [2, [202, 2, 5, 3, 6]]] as const) {
  const p = problem(seed, a, b, c, m);
  add({
    id: `backward2/hidden-${k}`, question: "backward2", visibility: "hidden",
    label: `무작위 ${a}-${b}-${c} 신경망, 표본 ${m}개`, inputs: p,
    call: "backward2(I.W1, I.W2, I.X, I.Y, forward2(I.W1, I.W2, I.X))",
    reference: () => refBackward(p.W1, p.W2, p.X, p.Y, "lecture"), atol: 1e-12,
  });
}

// Q3 update2: W := W + η·ΔW, returning new matrices and leaving the inputs unchanged
{
  const p = problem(301, 3, 4, 2, 5);
  const g = refBackward(p.W1, p.W2, p.X, p.Y, "lecture");
  const eta = 0.7;
  add({
    id: "update2/hidden-1", question: "update2", visibility: "hidden",
    label: "무작위 3-4-2 신경망, η = 0.7, 입력 행렬이 바뀌지 않는지도 검사",
    // the gradients are inputs (computed here), so a correct update2 scores even if backward2 is wrong
    inputs: { ...p, eta, g: wire(g) },
    call: "(() => { const u = update2(I.W1, I.W2, I.g, I.eta); return { W1: u.W1, W2: u.W2, W1before: I.W1, W2before: I.W2 }; })()",
    reference: () => ({
      W1: p.W1.add(g.dW1.scale(eta)), W2: p.W2.add(g.dW2.scale(eta)), W1before: p.W1, W2before: p.W2,
    }),
    atol: 1e-12,
  });
}

// Q4 gradient check: the exact rule and central differences of E = ½Σ(A2 − Y)²
for (const [k, seed] of [[1, 401], [2, 402]] as const) {
  const p = problem(seed, 3, 4, 2, 5);
  const ex = refBackward(p.W1, p.W2, p.X, p.Y, "exact");
  add({
    id: `gradcheck/exact-${k}`, question: "gradcheck", visibility: "hidden",
    label: `backward2Exact, 무작위 3-4-2 신경망 #${k}`, inputs: p,
    call: "backward2Exact(I.W1, I.W2, I.X, I.Y, forward2(I.W1, I.W2, I.X))",
    reference: () => ex, atol: 1e-12,
  });
  add({
    id: `gradcheck/numerical-${k}`, question: "gradcheck", visibility: "hidden",
    label: `numericalGrad2 (W1, W2), 무작위 3-4-2 신경망 #${k}`, inputs: p,
    call: "({ W1: numericalGrad2(I.W1, I.W2, I.X, I.Y, 1), W2: numericalGrad2(I.W1, I.W2, I.X, I.Y, 2) })",
    // the true gradient ∂E/∂W = −dW (exact rule); central differences agree to ~1e-10
    reference: () => ({ W1: ex.dW1.scale(-1), W2: ex.dW2.scale(-1) }), atol: 1e-7,
  });
}

// Q5 train2: the course's loop
{
  const { X, Y } = xor();
  const rng = new Random(1);
  const W1 = rng.randomMatrix(3, 2).scale(2).addScalar(-1);
  const W2 = rng.randomMatrix(1, 3).scale(2).addScalar(-1);
  add({
    id: "train2/xor-course", question: "train2", visibility: "public",
    label: "XOR, 시드 1 가중치, η = 1, 1000 epoch (강의 결과)", inputs: { W1, W2, X, Y },
    call: "train2(I.W1, I.W2, I.X, I.Y, 1, 1000)", reference: () => refTrain(W1, W2, X, Y, 1, 1000), atol: 1e-9,
  });
  const p = problem(501, 2, 4, 1, 6);
  add({
    id: "train2/hidden-1", question: "train2", visibility: "hidden",
    label: "무작위 2-4-1 신경망, η = 0.5, 200 epoch", inputs: p,
    call: "train2(I.W1, I.W2, I.X, I.Y, 0.5, 200)", reference: () => refTrain(p.W1, p.W2, p.X, p.Y, 0.5, 200), atol: 1e-9,
  });
}

export const assignment: Assignment = {
  id: "hw01",
  title: "과제 1: 2층 신경망의 순전파와 역전파",
  notebook: "hw01.ipynb",
  // "use only Matrix and sigmoid": NeuralNetwork would answer every question
  forbidden: ["NeuralNetwork"],
  questions: [
    { id: "forward2", title: "Q1 순전파 forward2", points: 2, kind: "auto" },
    { id: "backward2", title: "Q2 역전파 backward2 (강의의 규칙)", points: 3, kind: "auto" },
    { id: "update2", title: "Q3 가중치 갱신 update2", points: 1, kind: "auto" },
    { id: "gradcheck", title: "Q4 기울기 검사 backward2Exact / numericalGrad2", points: 2, kind: "auto" },
    { id: "train2", title: "Q5 XOR 학습 train2", points: 2, kind: "auto" },
  ],
  cases,
};
