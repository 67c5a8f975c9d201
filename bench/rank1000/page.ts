// The Chromium side of bench:rank1000: runs the workload in the page and publishes the timings.
import { publishBenchResult } from '../page-result';
import { timeRank1000 } from './workload';

publishBenchResult(Promise.resolve().then(() => timeRank1000()));
