#!/bin/bash
# uvsdb remotes and security: unix socket mode 0750; ptcp opened from the database
# (uvs-vsctl set-manager) and closed again; pssl with private key, certificate and CA certificate
# from options, then from the SSL table (db:Open_vSwitch,SSL,...); a client whose certificate is
# not signed by the CA is refused; an active remote (the server connects out); add-remote,
# remove-remote and list-remotes over uvs-appctl; oversized, malformed, deeply nested and bad-UTF-8
# input closes only that client.
. "$(dirname "$0")/common.sh"
uvs_test_init uvsdb-remotes
T=$UVS_TEST_DIR
command -v openssl >/dev/null || uvs_test_skip "openssl not installed (scripts/setup installs it)"
SOCK=unix:$UVS_RUNDIR/db.sock
APPCTL="uvs-appctl -t uvsdb-server"

# Certificates: a CA, a server and a client it signs, and a rogue client signed by another CA.
mkcert() {  # mkcert NAME CA
    openssl req -new -newkey rsa:2048 -nodes -keyout "$T/$1-key.pem" -subj "/CN=$1" \
        -out "$T/$1-req.pem" 2>/dev/null &&
    openssl x509 -req -in "$T/$1-req.pem" -CA "$T/$2-cert.pem" -CAkey "$T/$2-key.pem" \
        -CAcreateserial -days 2 -out "$T/$1-cert.pem" 2>/dev/null
}
for ca in ca evil; do
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/$ca-key.pem" -out "$T/$ca-cert.pem" \
        -days 2 -subj "/CN=uvs-test-$ca" 2>/dev/null
done
mkcert server ca && mkcert client ca && mkcert rogue evil || uvs_test_skip "openssl cannot make test certificates"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P1=$(free_port)

check "uvsdb-server starts with pssl and SSL files" uvs_start_db \
    --remote="pssl:$P1:127.0.0.1" --private-key="$T/server-key.pem" \
    --certificate="$T/server-cert.pem" --ca-cert="$T/ca-cert.pem" --remote=db:Open_vSwitch,Open_vSwitch,manager_options \
    || uvs_test_finish
check_output "db.sock is mode 0750" "750" stat -c %a "$UVS_RUNDIR/db.sock"
SSLC=(-p "$T/client-key.pem" -c "$T/client-cert.pem" -C "$T/ca-cert.pem")
ROGUE=(-p "$T/rogue-key.pem" -c "$T/rogue-cert.pem" -C "$T/ca-cert.pem")
check_output "uvsdb-client over pssl with a CA-signed certificate" "Open_vSwitch
_Server" uvsdb-client --timeout=5 "${SSLC[@]}" list-dbs "ssl:127.0.0.1:$P1"
check_fails "a certificate from another CA is refused" \
    uvsdb-client --timeout=5 "${ROGUE[@]}" list-dbs "ssl:127.0.0.1:$P1"
check_grep "the refusal is logged with OpenSSL's reason" 'SSL handshake failed.*certificate verify failed' \
    cat "$UVS_LOGDIR/uvsdb-server.log"
check_fails "a plain TCP client gets nothing from an SSL port" \
    uvsdb-client --timeout=3 list-dbs "tcp:127.0.0.1:$P1"
if command -v ovsdb-client >/dev/null; then
    check_output "Debian's ovsdb-client over SSL" "Open_vSwitch
_Server" timeout 5 ovsdb-client "${SSLC[@]}" list-dbs "ssl:127.0.0.1:$P1"
fi

# ptcp from the database: set-manager opens it, del-manager closes it.
P2=$(free_port)
check "set-manager ptcp" uvs-vsctl --no-wait set-manager "ptcp:$P2:127.0.0.1"
check "the manager's ptcp listener answers" wait_until 5 \
    uvsdb-client --timeout=2 list-dbs "tcp:127.0.0.1:$P2"
check_grep "list-remotes shows it" "^ptcp:$P2:127.0.0.1\$" $APPCTL ovsdb-server/list-remotes
check "del-manager" uvs-vsctl --no-wait del-manager
check "the listener closes" wait_until 5 bash -c "! uvsdb-client --timeout=2 list-dbs tcp:127.0.0.1:$P2"
# db: remotes added and removed at run time take effect at once, without waiting for a commit.
P4=$(free_port)
check "remove-remote db:...manager_options" $APPCTL ovsdb-server/remove-remote db:Open_vSwitch,Open_vSwitch,manager_options
check "set-manager while no db: remote is configured" uvs-vsctl --no-wait set-manager "ptcp:$P4:127.0.0.1"
check_fails "nothing listens on the manager's port" uvsdb-client --timeout=2 list-dbs "tcp:127.0.0.1:$P4"
check "add-remote db:...manager_options" $APPCTL ovsdb-server/add-remote db:Open_vSwitch,Open_vSwitch,manager_options
check "the manager's listener opens without another commit" wait_until 5 \
    uvsdb-client --timeout=2 list-dbs "tcp:127.0.0.1:$P4"
check "del-manager" uvs-vsctl --no-wait del-manager

# SSL files from the SSL table: a second server reads them from its database.
P3=$(free_port)
D2=$T/db2
mkdir -p "$D2"
uvsdb-tool create "$D2/conf.db" "$UVS_PKGDATADIR/vswitch.ovsschema"
uvsdb-tool transact "$D2/conf.db" "[\"Open_vSwitch\",
  {\"op\":\"insert\",\"table\":\"Open_vSwitch\",\"row\":{\"ssl\":[\"named-uuid\",\"s\"]}},
  {\"op\":\"insert\",\"table\":\"SSL\",\"uuid-name\":\"s\",\"row\":{\"private_key\":\"$T/server-key.pem\",
   \"certificate\":\"$T/server-cert.pem\",\"ca_cert\":\"$T/ca-cert.pem\"}}]" >/dev/null
check "a server with SSL settings from its SSL table starts" \
    uvsdb-server "$D2/conf.db" --remote="pssl:$P3:127.0.0.1" --remote="punix:$D2/db.sock" \
        --private-key=db:Open_vSwitch,SSL,private_key --certificate=db:Open_vSwitch,SSL,certificate \
        --ca-cert=db:Open_vSwitch,SSL,ca_cert --pidfile="$D2/pid" --unixctl="$D2/ctl" --detach \
        --no-chdir --log-file="$D2/log"
_uvs_record_daemon "$D2/pid"
check_output "its pssl port serves CA-signed clients" "Open_vSwitch
_Server" uvsdb-client --timeout=5 "${SSLC[@]}" list-dbs "ssl:127.0.0.1:$P3"
check_fails "and refuses others" uvsdb-client --timeout=5 "${ROGUE[@]}" list-dbs "ssl:127.0.0.1:$P3"
check "the second server exits on request" uvs-appctl --target="$D2/ctl" exit

# An active remote: the server connects out to a listener (here a Python one speaking JSON-RPC).
python3 - "$T/active.sock" >"$T/active.out" 2>&1 <<'PY' &
import json, socket, sys
srv = socket.socket(socket.AF_UNIX)
srv.bind(sys.argv[1]); srv.listen(1)
print("listening", flush=True)
c, _ = srv.accept()
c.sendall(json.dumps({"method": "list_dbs", "params": [], "id": 7}).encode())
print(c.recv(65536).decode(), flush=True)
PY
LISTENER=$!
UVS_TEST_PIDS+=($LISTENER)
wait_until 5 grep -q listening "$T/active.out"
check "add-remote an active unix: remote" $APPCTL ovsdb-server/add-remote "unix:$T/active.sock"
check "the server connects out and answers list_dbs" wait_until 5 grep -q '"Open_vSwitch"' "$T/active.out"
check "remove-remote" $APPCTL ovsdb-server/remove-remote "unix:$T/active.sock"
check_fails "it is no longer listed" bash -c "$APPCTL ovsdb-server/list-remotes | grep -q active.sock"
check_fails "add-remote refuses a bad name, saying why" $APPCTL ovsdb-server/add-remote "bogus:1"

# Bad input: each closes only that connection.
send_raw() {  # send_raw PYTHON-BYTES-EXPR — sends it on a new connection, prints what comes back
    python3 - "$UVS_RUNDIR/db.sock" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(5)
data = b""
try:
    s.sendall(eval(sys.argv[2]))
    data = b""
    while True:
        d = s.recv(65536)
        if not d: break
        data += d
except (BrokenPipeError, ConnectionResetError, socket.timeout):
    pass
print("closed", data[:200])
PY
}
check_grep "a 9 MB message (limit 8 MiB) closes that connection" '^closed' \
    send_raw 'b"{\"method\":\"echo\",\"id\":1,\"params\":[\"" + b"x" * 9000000 + b"\"]}"'
check_grep "malformed JSON closes that connection" '^closed' send_raw 'b"{\"method\": ]]]"'
check_grep "deep nesting closes that connection" '^closed' \
    send_raw 'b"{\"method\":\"echo\",\"id\":1,\"params\":" + b"[" * 100000 + b"]" * 100000 + b"}"'
check_grep "bad UTF-8 closes that connection" '^closed' \
    send_raw 'b"{\"method\":\"echo\",\"id\":1,\"params\":[\"\xff\xfe\"]}"'
check_output "the server still answers other clients" "Open_vSwitch
_Server" uvsdb-client --timeout=5 list-dbs "$SOCK"
check_grep "memory/show" 'sessions:' $APPCTL memory/show
uvs_test_finish
