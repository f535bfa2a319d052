using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(PlateOrleans.Benchmarks.AllocatorBenchmarks).Assembly).Run(args);
