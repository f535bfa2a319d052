// One cluster at a time: each test runs several silos, a PostgreSQL and the API on a two-core machine, and its
// timing bounds assume the machine is not also running another test's cluster.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
