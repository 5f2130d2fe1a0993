// hw02 hidden tests: any-depth forward/backward/training against src/'s NeuralNetwork, a toy-set
// accuracy threshold, and one manually graded written answer.
import { Matrix, NeuralNetwork, Random, courseCost, moons } from "../../src/index";
import { Assignment, Case, randMatrix, randTargets, wire } from "../lib/grading";

const EMPTY = () => Matrix.zeros(0, 0);

/** Course initialisation for netArch: W[l] = 2·U − 1 of shape (n_l × n_{l−1}), drawn in order from Random(seed). */
function initW(arch: readonly number[], seed: number): Matrix[] {
  const rng = new Random(seed);
  const W = [EMPTY()];
  for (let l = 1; l < arch.length; l++) W.push(rng.randomMatrix(arch[l], arch[l - 1]).scale(2).addScalar(-1));
  return W;
}

function netOf(W: Matrix[]): NeuralNetwork {
  const arch = [W[1].cols, ...W.slice(1).map((w) => w.rows)];
  const net = new NeuralNetwork(arch);
  net.setWeights(...W.slice(1).map((w) => w.clone()));
  return net;
}

function refTrain(W: Matrix[], X: Matrix, Y: Matrix, eta: number, epochs: number, rule: "lecture" | "exact") {
  const net = netOf(W);
  const cost: number[] = [];
  for (let e = 0; e < epochs; e++) {
    const g = net.backward(net.forward(X), Y, rule);
    cost.push(courseCost(g.E[net.L]));
    net.update(g, eta);
  }
  return { W: net.W, cost };
}

function problem(seed: number, arch: number[], m: number) {
  const rng = new Random(seed);
  const W = [EMPTY(), ...arch.slice(1).map((n, i) => randMatrix(rng, n, arch[i]))];
  return { W, X: randMatrix(rng, arch[0], m, -2, 2), Y: randTargets(rng, arch[arch.length - 1], m) };
}

const cases: Case[] = [];
function add(c: Omit<Case, "inputs"> & { inputs: Record<string, unknown> }): void {
  const inputs: Case["inputs"] = {};
  for (const [k, v] of Object.entries(c.inputs)) inputs[k] = wire(v);
  cases.push({ ...c, inputs });
}

const pub = problem(900, [2, 3, 1], 4);
add({
  id: "forwardL/public-2-3-1", question: "forwardL", visibility: "public", label: "무작위 2-3-1 신경망, 표본 4개",
  inputs: pub, call: "forwardL(I.W, I.X)", reference: () => netOf(pub.W).forward(pub.X), atol: 1e-12,
});
for (const [k, seed, arch, m] of [[1, 901, [3, 4, 2], 5], [2, 902, [4, 5, 3, 2], 6], [3, 903, [2, 6, 5, 4, 1], 7]] as const) {
  const p = problem(seed, [...arch], m);
  add({
    id: `forwardL/hidden-${k}`, question: "forwardL", visibility: "hidden", label: `무작위 [${arch}] 신경망, 표본 ${m}개`,
    inputs: p, call: "forwardL(I.W, I.X)", reference: () => netOf(p.W).forward(p.X), atol: 1e-12,
  });
}
for (const rule of ["lecture", "exact"] as const) {
  add({
    id: `backwardL/public-${rule}`, question: "backwardL", visibility: "public", label: `무작위 2-3-1 신경망, ${rule} 규칙`,
    inputs: pub, call: `backwardL(I.W, forwardL(I.W, I.X), I.Y, "${rule}")`,
    reference: () => { const n = netOf(pub.W); const g = n.backward(n.forward(pub.X), pub.Y, rule); return { E: g.E, dZ: g.dZ, dW: g.dW }; },
    atol: 1e-12,
  });
  for (const [k, seed, arch, m] of [[1, 911, [4, 5, 3, 2], 6], [2, 912, [2, 6, 5, 4, 1], 5]] as const) {
    const p = problem(seed, [...arch], m);
    add({
      id: `backwardL/hidden-${rule}-${k}`, question: "backwardL", visibility: "hidden",
      label: `무작위 [${arch}] 신경망, ${rule} 규칙`, inputs: p,
      call: `backwardL(I.W, forwardL(I.W, I.X), I.Y, "${rule}")`,
      reference: () => { const n = netOf(p.W); const g = n.backward(n.forward(p.X), p.Y, rule); return { E: g.E, dZ: g.dZ, dW: g.dW }; },
      atol: 1e-12,
    });
  }
}
{
  const p = problem(921, [3, 4, 4, 2], 6);
  add({
    id: "trainL/hidden-exact", question: "trainL", visibility: "hidden", label: "무작위 [3,4,4,2], exact, η = 0.5, 100 epoch",
    inputs: p, call: 'trainL(I.W, I.X, I.Y, 0.5, 100, "exact")', reference: () => refTrain(p.W, p.X, p.Y, 0.5, 100, "exact"), atol: 1e-9,
  });
  const q = problem(922, [2, 5, 1], 8);
  add({
    id: "trainL/hidden-lecture", question: "trainL", visibility: "hidden", label: "무작위 [2,5,1], lecture, η = 1, 200 epoch",
    inputs: q, call: 'trainL(I.W, I.X, I.Y, 1, 200, "lecture")', reference: () => refTrain(q.W, q.X, q.Y, 1, 200, "lecture"), atol: 1e-9,
  });
}
{
  const tr = moons(200, { noise: 0.15, seed: 3 }), te = moons(200, { noise: 0.15, seed: 103 });
  const W = initW([2, 8, 8, 1], 3);
  add({
    id: "toy/moons-hidden-test-set", question: "toy", visibility: "hidden",
    label: "moons 학습 후 숨은 시험 세트(test set) 정확도 ≥ 0.85 ([2,8,8,1], exact, η = 0.05, 1000 epoch)",
    inputs: { W, X: tr.X, Y: tr.Y, Xt: te.X },
    call: '(() => { const r = trainL(I.W, I.X, I.Y, 0.05, 1000, "exact"); const f = forwardL(r.W, I.Xt); return f.A[f.A.length - 1]; })()',
    reference: () => ({ labels: te.labels, min: 0.85 }), atol: 0, compare: "accuracy",
  });
}

export const assignment: Assignment = {
  id: "hw02",
  title: "과제 2: 깊이에 상관없는 신경망과 2차원 데이터 학습",
  notebook: "hw02.ipynb",
  // "NeuralNetwork로 답을 대신 계산하지 마세요": trapped while the probes run (the check cells use it)
  forbidden: ["NeuralNetwork"],
  questions: [
    { id: "forwardL", title: "Q1 L층 순전파 forwardL", points: 2, kind: "auto" },
    { id: "backwardL", title: "Q2 L층 역전파 backwardL (lecture / exact)", points: 3, kind: "auto" },
    { id: "trainL", title: "Q3 학습 trainL", points: 2, kind: "auto" },
    { id: "toy", title: "Q4 moons 데이터 학습", points: 1, kind: "auto" },
    { id: "explain", title: "Q5 서술: 강의의 규칙과 정확한 기울기", points: 2, kind: "manual" },
  ],
  cases,
};
