// The part of autocannon's API the benchmarks use (it ships no types of its own).
declare module 'autocannon' {
  interface Histogram { average: number; p50: number; p99: number; total: number }
  interface Result { requests: Histogram; latency: Histogram; errors: number; timeouts: number; non2xx: number }
  interface Options { url: string; connections?: number; duration?: number; headers?: Record<string, string>; method?: string; body?: string }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
