// The CLI's usage text, and the error for a mistake in how it was called (one line, the usage, exit 2).
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: streamforge <command> [options]

Commands:
  up                      run the whole platform locally (orchestrator on $PORT, default 8080; the live
                          market page on $VISUALIZER_PORT, default 8093)
  run --symbols A,B --types api_candles_5m,api_trades --range 2024-08-01:2024-08-02 [--pipeline graph,train] [--options JSON|@file] [--url URL]
                          start a workflow and show live progress until it ends (--pipeline: graph,train
                          builds the symbol graph and trains a GNN on it; rl_train,backtest trains the
                          PPO agent walk-forward and backtests it; --options: the stages' options as
                          JSON); without an
                          orchestrator at --url (default http://127.0.0.1:$PORT) it runs one embedded
  events <id> [--url URL] [--json] [--all]
                          a workflow's timeline: every report of its steps and every decision of the
                          orchestrator (dispatched, retried, timed out, failed and why) with the time
                          since it started, then each step's status, records, retries and duration;
                          repeated reports are folded (--all prints each; --json for scripts)
  sim [--port N] [--seed S] [--speed X] [--market-path swings|random-walk|cycles]
                          serve the Binance-compatible exchange simulator alone (REST and
                          WebSocket streams; --speed runs its clock X times faster; --market-path
                          random-walk makes returns independent across time, cycles gives each
                          symbol a learnable ±3 % four-hour wave)
  fn <name>               run one function alone, as in its container (see README: the function registry)
  cluster up | down | status [--json] [--name N]
                          the platform on a local Kubernetes control plane with the real KEDA operator:
                          functions scale from zero as processes on a process node
  models list | show <ref> | register <name> <model.json> | alias <name> <alias> <version> | download <ref>
         | delete <name/version>
                          the model registry (refs: gcn, gcn/3, gcn@champion, models:/gcn/latest); --json
                          for scripts; register takes --metrics k=v,… --params k=v,… --workflow --symbols
                          --range; download --out DIR verifies every checksum
  dummy check             produce, consume and commit on a scratch topic of the configured bus
  dummy load [--topic T] [--rate N] [--size B] [--duration S]
                          publish synthetic records at N/s of B bytes for S seconds
  node [--name N] [--kubeconfig PATH] [--state-dir DIR]
                          run the pods a local control plane binds to node N (default streamforge-node)
                          as local processes: image <registry>/<function>:<tag> runs dist/<function>.mjs
  logs <pod> [-n namespace] [-c container] [--kubeconfig PATH]
                          print the output of a pod that a process node on this machine ran

Configuration comes from the environment: PORT, HOST, DATA_DIR, BINANCE_REST_URL, BUS, KAFKA_BROKERS,
STORE, LOG_LEVEL, … (see README).`;
