// The tests start many real processes on a small machine; run them one class at a time so each
// class's children get the CPU they expect and the total runtime stays predictable.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
