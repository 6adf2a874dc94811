// PaperTrading: a moving-average crossover bot trading ten made-up tickers over a deterministic
// price feed, with a portfolio that is never wrong after a crash. The portfolio (cash, open lots,
// trade history, realised P&L, feed position) is a JournaledState: every fill is appended to the
// journal and made durable before it counts; every order is recorded as an intent before it is
// sent and completed when its fill is journaled, so after kill -9 between the two the restart says
// which order was sent but not confirmed and asks the broker what became of it. A snapshot every
// few hundred events keeps the replay on restart short. The same seed gives the same trades and
// the same --results, however often the run is interrupted.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Checkpointing;
using Checkpointing.Examples;
using Checkpointing.Interrupts;
using Checkpointing.Journaling;
using PaperTrading;

const decimal StartCash = 100_000.00m;
var rule = new string('=', 80);
long replayed = 0;
var opening = true;

var options = CommandLine.Parse(args, out var parseError);
if (ExampleStartup.ShouldExit(options, parseError, o => o.Help, CommandLine.Usage, out var argumentsExitCode))
{
    return argumentsExitCode;
}

Console.WriteLine(rule);
Console.WriteLine("PAPER TRADING WITH A JOURNALED PORTFOLIO");
Console.WriteLine(rule);

if (!ExampleStartup.TryOpen("trading", "paper_ma_crossover", options.CheckpointDirectory, out var manager))
{
    return 1;
}

using (manager)
{
    Console.WriteLine($"Run directory: {manager.RunDirectory}");
    Console.WriteLine($"Strategy: {PriceFeed.FastWindow}/{PriceFeed.SlowWindow}-tick moving-average crossover, long only; at most {Strategy.PositionLimit * 100:F0}% of the starting cash per position, " +
        $"{Strategy.MaxOpenPositions} positions, stop-loss at -{(1 - Strategy.StopLoss) * 100:F0}%");
    Console.WriteLine();

    if (options.Fresh)
    {
        Console.WriteLine($"--fresh: {StartOver(manager)}");
        Console.WriteLine();
    }

    Portfolio Apply(Portfolio portfolio, TradeEvent e)
    {
        if (opening)
        {
            replayed++;
        }

        return Portfolio.Apply(portfolio, e);
    }

    JournaledState<Portfolio, TradeEvent> OpenJournal()
    {
        replayed = 0;
        opening = true;
        var opened = JournaledState<Portfolio, TradeEvent>.Open(
            manager, static () => new Portfolio(), Apply, new JournaledStateOptions { SnapshotEvery = options.SnapshotEvery });
        opening = false;
        return opened;
    }

    JournaledState<Portfolio, TradeEvent> journal;
    try
    {
        journal = OpenJournal();
    }
    catch (CheckpointException ex)
    {
        Console.Error.WriteLine(ex.Message);
        Console.Error.WriteLine("Run again with --fresh to start over.");
        return 1;
    }

    try
    {
        var state = journal.State;
        if (state.Started)
        {
            var snapshot = manager.List().LastOrDefault(c => c.JournalSequence is not null);
            var totalDecisions = (long)state.Ticks * PriceFeed.TickerCount;
            Console.WriteLine(rule);
            Console.WriteLine("JOURNAL FOUND");
            Console.WriteLine(rule);
            Console.WriteLine(snapshot is null
                ? "  Snapshot: none yet (the whole journal was replayed)"
                : $"  Snapshot: {snapshot.Id} ({state.Events - replayed:N0} events, written {snapshot.TimestampUtc:yyyy-MM-ddTHH:mm:ssZ})");
            Console.WriteLine($"  Events replayed from the journal after it: {replayed:N0} (of {journal.EventCount:N0} in all)");
            Console.WriteLine($"  Feed position: tick {state.NextDecision / PriceFeed.TickerCount:N0} of {state.Ticks:N0} (seed {state.Seed})");
            Console.WriteLine($"  Trades: {state.Trades.Count:N0}, cash {InvariantCheck.Money(state.Cash)}, realised P&L {InvariantCheck.Signed(state.RealisedPnl)}, open positions {state.OpenPositions}");
            Console.WriteLine($"  Orders sent but not confirmed: {journal.PendingIntents.Count}");
            Console.WriteLine(rule);
            Console.WriteLine();

            if (state.NextDecision < totalDecisions && !ExampleConsole.AskYesNo("Resume from the journal?", options.Yes))
            {
                journal.Dispose();
                Console.WriteLine($"Starting fresh: {StartOver(manager)}");
                journal = OpenJournal();
            }
            else if ((options.SeedGiven && options.Seed != state.Seed) || (options.TicksGiven && options.Ticks != state.Ticks))
            {
                Console.WriteLine($"Note: this run was started with --seed {state.Seed} --ticks {state.Ticks}; it continues with those (use --fresh to change them).");
            }
        }
        else
        {
            Console.WriteLine("No journal found. Starting fresh.");
        }

        return RunTrading(journal);
    }
    finally
    {
        journal.Dispose();
    }
}

int RunTrading(JournaledState<Portfolio, TradeEvent> journal)
{
    var state = journal.State;
    if (!state.Started)
    {
        journal.Append(TradeEvent.Started(options.Seed, options.Ticks, StartCash));
        state = journal.State;
    }

    Ack($"RECOVERED trades={state.Trades.Count} cash={state.Cash.ToString(CultureInfo.InvariantCulture)} decision={state.NextDecision} " +
        $"events={journal.EventCount} replayed={replayed} pending={journal.PendingIntents.Count}");

    var check = InvariantCheck.Run(state);
    Console.WriteLine($"Invariant check: {check.Summary}: {(check.Holds ? "holds" : "FAILED")}");
    foreach (var problem in check.Problems)
    {
        Console.WriteLine($"  {problem}");
    }

    Ack(check.Holds ? "INVARIANT ok" : "INVARIANT failed");
    if (!check.Holds)
    {
        Console.Error.WriteLine("The portfolio does not balance; refusing to trade on it. Inspect the journal, or start over with --fresh.");
        return 1;
    }

    var feed = new PriceFeed(state.Seed, state.Ticks);
    var broker = new SimulatedBroker(feed, state.Seed, options.BrokerMilliseconds);
    var view = new ConsoleView(feed, live: !Console.IsOutputRedirected);
    var total = (long)state.Ticks * feed.Count;

    Reconcile(journal, broker, view);
    state = journal.State;

    if (state.NextDecision >= total)
    {
        Console.WriteLine("This run already completed; there is nothing left to do. Use --fresh to start over.");
        return Finish(state, feed, sessionTime: null);
    }

    Console.WriteLine();
    Console.WriteLine($"Trading ticks {state.NextDecision / feed.Count:N0} to {state.Ticks - 1:N0} of {string.Join(' ', feed.Symbols)} (seed {state.Seed}; " +
        $"starting cash {InvariantCheck.Money(state.StartCash)}; every fill journaled durably, a snapshot every {options.SnapshotEvery} events)");
    Console.WriteLine();

    // Installed only now, so Ctrl+C at the prompt still ends the program at once.
    using var interrupts = InterruptHandler.Install(new InterruptOptions { UnitName = "tick" });
    var clock = Stopwatch.StartNew();
    for (var decision = state.NextDecision; decision < total; decision++)
    {
        var tick = (int)(decision / feed.Count);
        if (decision % feed.Count == 0)
        {
            if (interrupts.StopRequested)
            {
                return Stop(journal, decision, interrupts, view);
            }

            if (options.TickMilliseconds > 0)
            {
                Thread.Sleep(options.TickMilliseconds);
            }

            view.Status(state, tick);
        }

        if (Strategy.Decide(state, feed, decision) is not { } order)
        {
            continue;
        }

        // The intent is durable before the order leaves: a crash from here until the fill is
        // journaled leaves a pending intent, which the next start reconciles with the broker.
        journal.RecordIntent(order.Id, order.Description);
        Ack($"SENT {order.Id}");
        var report = broker.Send(order);
        Settle(journal, order, report, view);
        state = journal.State;
    }

    if (state.NextDecision < total)
    {
        journal.Append(TradeEvent.Position(total));
    }

    var final = journal.Snapshot();
    view.Line(string.Empty);
    Console.WriteLine(rule);
    Console.WriteLine("COMPLETED");
    Console.WriteLine(rule);
    Console.WriteLine($"Final snapshot {final.Id} covers all {journal.EventCount:N0} events.");
    return Finish(journal.State, feed, clock.Elapsed);
}

// Journals the broker's answer (durable before it counts), then closes the order's intent.
void Settle(JournaledState<Portfolio, TradeEvent> journal, Order order, BrokerReport report, ConsoleView view)
{
    journal.Append(TradeEvent.FromReport(order, report));
    var state = journal.State;
    if (report.Filled)
    {
        var trade = state.Trades[^1];
        Ack($"ACK {trade.Number} {order.Id} cash={state.Cash.ToString(CultureInfo.InvariantCulture)}");
        view.Trade(trade);
    }
    else
    {
        Ack($"REJECTED {order.Id}");
        view.Rejected(order, report.RejectReason);
    }

    journal.CompleteIntent(order.Id);
}

// Orders whose intent was journaled but whose outcome was not (or whose intent was not closed):
// ask the deterministic broker what became of each and journal that, so nothing is sent twice.
void Reconcile(JournaledState<Portfolio, TradeEvent> journal, SimulatedBroker broker, ConsoleView view)
{
    var pending = journal.PendingIntents;
    if (pending.Count == 0)
    {
        return;
    }

    Console.WriteLine();
    Console.WriteLine($"{pending.Count} order{(pending.Count == 1 ? string.Empty : "s")} sent but not confirmed: {string.Join(", ", pending.Select(p => p.Id))}");
    foreach (var intent in pending)
    {
        Ack($"PENDING {intent.Id}");
        Console.WriteLine($"  {intent.Id}: {intent.Description} (sent {intent.RecordedAt:yyyy-MM-ddTHH:mm:ss.fffZ})");
        var state = journal.State;
        if (state.HasOutcome(intent.Id, out var trade))
        {
            Console.WriteLine(trade is null
                ? "    its rejection is already journaled; closing the intent."
                : $"    its fill is already journaled (trade #{trade.Number}); closing the intent.");
            journal.CompleteIntent(intent.Id);
            Ack($"RECONCILED {intent.Id} already-journaled");
            continue;
        }

        if (!Order.TryParse(intent.Id, intent.Description, out var order) || order.Decision < state.NextDecision)
        {
            Console.WriteLine("    cannot be matched to an open decision; cancelling it. Check the broker's records by hand.");
            journal.CompleteIntent(intent.Id);
            Ack($"RECONCILED {intent.Id} cancelled");
            continue;
        }

        var report = broker.Status(order);
        Console.WriteLine(report.Filled
            ? $"    the broker reports it filled at {report.Price:F2} (fee {report.Fee:F2}); journaling the fill."
            : $"    the broker reports it rejected ({report.RejectReason}); journaling the rejection.");
        Settle(journal, order, report, view);
        Ack($"RECONCILED {intent.Id} {(report.Filled ? "filled" : "rejected")}");
    }
}

int Stop(JournaledState<Portfolio, TradeEvent> journal, long decision, InterruptHandler interrupts, ConsoleView view)
{
    if (journal.State.NextDecision < decision)
    {
        journal.Append(TradeEvent.Position(decision));
    }

    var snapshot = journal.Snapshot();
    var state = journal.State;
    view.Line(string.Empty);
    Console.WriteLine(rule);
    Console.WriteLine("TRADING INTERRUPTED");
    Console.WriteLine(rule);
    Console.WriteLine($"Every fill was already durable; snapshot {snapshot.Id} now covers all {journal.EventCount:N0} events.");
    Console.WriteLine($"Stopped before tick {decision / PriceFeed.TickerCount:N0} of {state.Ticks:N0}: {state.Trades.Count:N0} trades, cash {InvariantCheck.Money(state.Cash)}, " +
        $"realised P&L {InvariantCheck.Signed(state.RealisedPnl)}.");
    Console.WriteLine($"Stopped by {interrupts.Signal}; exit code {interrupts.ExitCode}. Run the same command again to resume.");
    Ack($"STOPPED decision={decision}");
    return interrupts.ExitCode;
}

int Finish(Portfolio state, PriceFeed feed, TimeSpan? sessionTime)
{
    var result = TradingResult.From(state, feed);
    Console.WriteLine($"  Trades: {state.Trades.Count:N0} ({state.Trades.Count(t => t.Side == OrderSide.Buy):N0} buys, {state.Trades.Count(t => t.Side == OrderSide.Sell):N0} sells), " +
        $"{state.RejectedOrders.Count} order(s) rejected by the broker");
    Console.WriteLine($"  Cash: {InvariantCheck.Money(result.Cash)}  Realised P&L: {InvariantCheck.Signed(result.RealisedPnl)} (after {InvariantCheck.Money(result.FeesPaid)} fees)");
    foreach (var p in result.Positions)
    {
        Console.WriteLine($"  Open: {p.Quantity,5} {p.Ticker}  cost {InvariantCheck.Money(p.CostBasis),10}  worth {InvariantCheck.Money(p.MarketValue),10} at {p.LastPrice:F2}");
    }

    Console.WriteLine($"  Equity at the last prices: {InvariantCheck.Money(result.Equity)} ({InvariantCheck.Signed(result.Equity - result.StartCash)} on {InvariantCheck.Money(result.StartCash)})");
    if (sessionTime is { } t)
    {
        Console.WriteLine($"  This session: {t.TotalSeconds:F1} s");
    }

    if (options.ResultsFile is { } file)
    {
        var json = JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });
        File.WriteAllText(file, json + Environment.NewLine);
        Console.WriteLine($"Result written to {file}");
    }

    return 0;
}

void Ack(string line)
{
    if (options.Ack)
    {
        Console.WriteLine(line);
    }
}

// The journal lives in the run directory next to the snapshots: a fresh start removes both
// (the run's writer lock, held by the manager, keeps other processes out meanwhile).
static string StartOver(CheckpointManager manager)
{
    var snapshots = manager.DeleteAll();
    var journalExisted = Journal.Delete(manager);

    return $"deleted {snapshots} snapshot(s){(journalExisted ? " and the journal" : string.Empty)}.";
}

