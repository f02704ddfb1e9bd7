// Two clusters of three silos side by side on two shared cores would slow each other's failure detection into flakiness.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
