#!/usr/bin/env bash
# Makes a throw-away PKI for the backend tests in DIR:
#   ca.pem/.key                the CA the device and the broker trust
#   server.pem/.key            broker and HTTPS backend, for localhost and 127.0.0.1
#   client.pem/.key            the device (CN test-door)
#   rogue-ca.pem/.key          a CA nobody trusts
#   rogue-client.pem/.key      a "device" certificate from it
#   rogue-server.pem/.key      a server certificate from it (an impostor broker or backend)
# The keys are made world-readable: they protect nothing, and mosquitto, when
# started as root, drops to its own user before it reads them.
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"
days=2
subj() { echo "/O=portier tests/CN=$1"; }

ca() {  # name
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days $days \
    -keyout "$1.key" -out "$1.pem" -subj "$(subj "$1")" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}
leaf() {  # name ca cn extensions
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$1.key" -out "$1.csr" \
    -subj "$(subj "$3")" 2>/dev/null
  printf '%s\n' "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days $days \
    -out "$1.pem" -extfile "$1.ext" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
server_ext='basicConstraints=CA:FALSE
keyUsage=digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1'
client_ext='basicConstraints=CA:FALSE
keyUsage=digitalSignature
extendedKeyUsage=clientAuth'

ca ca
ca rogue-ca
leaf server ca localhost "$server_ext"
leaf client ca test-door "$client_ext"
leaf rogue-client rogue-ca test-door "$client_ext"
leaf rogue-server rogue-ca localhost "$server_ext"
chmod 644 ./*.pem ./*.key
