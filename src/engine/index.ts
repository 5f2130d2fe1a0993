// The engine: the same numbers as the lesson core, faster. Only src/index.ts installs it:
//   useProduct(product)      every matmul through matmulF64 (WebAssembly SIMD, worker threads)
//   useFitEngine(fitEngine)  fit's steps on preallocated (resident) buffers
// What it does, its contract and how it is proven equal to the core: src/engine/README.md.
export { product, matmulF64, tinyProduct, checkMatmulArgs, MATMUL_THRESHOLDS } from "./matmul";
export { wasmAvailable, getMatmulThreads, setMatmulThreads, stopMatmulThreads, matmulThreadStats } from "./matmul";
export { fitEngine, fastTrainingSteps, TrainingBuffers, trainStep, smallStep, smallCodes, gatherColumns } from "./train";
