#!/usr/bin/env bash
# Generates the test PKI of kezek-identity into $1 with openssl: a root and an intermediate
# CA (the "NCA" of the tests), applicant authentication and signing certificates, and every
# certificate the attack table needs, and the organisation authentication certificates of a
# kindergarten's staff and a regional operator. Validity dates (and the revocation date) are
# fixed, so tests pass `now`.
set -euo pipefail
out=$1
mkdir -p "$out"
cd "$out"
exec 2>>openssl.log

key() { openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${2:-2048}" -out "$1.key" >/dev/null; }

cat > ca.cnf <<'CNF'
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = .
database = $dir/index-$ENV::CA_NAME.txt
serial = $dir/serial-$ENV::CA_NAME
new_certs_dir = $dir/issued
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
default_crl_days = 3650
crlnumber = $dir/crlnumber-$ENV::CA_NAME
crl_extensions = crl_ext
[ anything ]
commonName = optional
surname = optional
givenName = optional
serialNumber = optional
organizationName = optional
organizationalUnitName = optional
countryName = optional
[ crl_ext ]
authorityKeyIdentifier = keyid:always
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ auth_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ sign_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ ocsp_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = OCSPSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
mkdir -p issued

new_ca() { # name
  : > "index-$1.txt"; echo 1000 > "serial-$1"; echo 01 > "crlnumber-$1"
}

sign_with() { # ca_name ca_cert ca_key csr out ext start end
  CA_NAME=$1 openssl ca -batch -config ca.cnf -cert "$2" -keyfile "$3" -in "$4" -out "$5" -extensions "$6" \
    -startdate "$7" -enddate "$8" -notext -utf8 >/dev/null
}

request() { # key subject
  openssl req -new -key "$1.key" -subj "$2" -utf8 -out "$1.csr"
}

# Root and intermediate ("NCA RK" of the tests).
key root
openssl req -x509 -new -key root.key -subj "/CN=TEST NCA ROOT (RSA)/C=KZ" -days 7300 -set_serial 1 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out root.pem
new_ca root
key intermediate
request intermediate "/CN=TEST NCA INTERMEDIATE (RSA)/C=KZ"
sign_with root root.pem root.key intermediate.csr intermediate.pem ca_ext 20200101000000Z 20400101000000Z
new_ca intermediate

valid="20240101000000Z 20360101000000Z"
person() { # name iin ext [bits] [start end] [extra subject]
  local name=$1 iin=$2 ext=$3 bits=${4:-2048} start=${5:-20240101000000Z} end=${6:-20360101000000Z} extra=${7:-}
  key "$name" "$bits"
  request "$name" "/CN=ТЕСТОВ ТЕСТ/SN=ТЕСТОВ/GN=ТЕСТОВИЧ/serialNumber=IIN$iin/C=KZ$extra"
  sign_with intermediate intermediate.pem intermediate.key "$name.csr" "$name.pem" "$ext" "$start" "$end"
}

# The applicant 880102300702 (a valid IIN) and another person 230510500012.
person auth 880102300702 auth_ext
person sign 880102300702 sign_ext
person other_sign 230510500012 sign_ext
person expired_sign 880102300702 sign_ext 2048 20200101000000Z 20210101000000Z
person future_sign 880102300702 sign_ext 2048 20350101000000Z 20400101000000Z
person weak_sign 880102300702 sign_ext 1024
person revoked_sign 880102300702 sign_ext
person org_sign 880102300702 sign_ext 2048 20240101000000Z 20360101000000Z "/O=ТОО ТЕСТ/OU=BIN150440012344"

organisation() { # name iin bin common_name organisation
  key "$1"
  request "$1" "/CN=$4/serialNumber=IIN$2/C=KZ/O=$5/OU=BIN$3"
  sign_with intermediate intermediate.pem intermediate.key "$1.csr" "$1.pem" auth_ext $valid
}
# Organisation authentication keys (clientAuth, OU=BIN..., SERIALNUMBER=IIN...): a member of
# staff of the kindergarten with BIN 150440012344 (person 900115400018), and a regional
# operator of the education department with BIN 160540023454 (person 850620300027).
organisation staff_auth 900115400018 150440012344 "САПАРОВА АЙГУЛЬ" "ТОО ТЕСТ"
organisation operator_auth 850620300027 160540023454 "ОПЕРАТОРОВ ОПЕРАТОР" "ГУ ОТДЕЛ ОБРАЗОВАНИЯ"
# A CA nobody trusts, issuing a look-alike signing certificate.
key rogue
openssl req -x509 -new -key rogue.key -subj "/CN=TEST NCA INTERMEDIATE (RSA)/C=KZ" -days 7300 -set_serial 7 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out rogue.pem
new_ca rogue
key untrusted_sign
request untrusted_sign "/CN=ТЕСТОВ ТЕСТ/serialNumber=IIN880102300702/C=KZ"
sign_with rogue rogue.pem rogue.key untrusted_sign.csr untrusted_sign.pem sign_ext 20240101000000Z 20360101000000Z

# The intermediate's CRL revokes one signing certificate.
CA_NAME=intermediate openssl ca -config ca.cnf -cert intermediate.pem -keyfile intermediate.key -revoke revoked_sign.pem >/dev/null
# openssl records today as the revocation date; the tests' `now` is fixed, so fix the date too
# (1 January 2025).
awk 'BEGIN { FS = OFS = "\t" } $1 == "R" { $3 = "250101000000Z" } { print }' index-intermediate.txt > index-intermediate.new
mv index-intermediate.new index-intermediate.txt
CA_NAME=intermediate openssl ca -config ca.cnf -cert intermediate.pem -keyfile intermediate.key -gencrl -out intermediate.crl.pem >/dev/null

# PKCS#12 of the applicant's keys, as NCA issues them (password "test").
openssl pkcs12 -export -inkey sign.key -in sign.pem -certfile intermediate.pem -passout pass:test -out sign.p12
openssl pkcs12 -export -inkey auth.key -in auth.pem -certfile intermediate.pem -passout pass:test -out auth.p12
openssl pkcs12 -export -inkey staff_auth.key -in staff_auth.pem -certfile intermediate.pem -passout pass:test -out staff_auth.p12
openssl pkcs12 -export -inkey operator_auth.key -in operator_auth.pem -certfile intermediate.pem -passout pass:test -out operator_auth.p12

# The intermediate's OCSP responder (extended key usage OCSPSigning), for `openssl ocsp` run
# as a local responder by the tests (tests/ocsp_responder.rs) over index-intermediate.txt.
key ocsp_responder
request ocsp_responder "/CN=TEST NCA OCSP RESPONDER/C=KZ"
sign_with intermediate intermediate.pem intermediate.key ocsp_responder.csr ocsp_responder.pem ocsp_ext $valid
# No certificate is listed: a responder over it answers "unknown" for all.
: > index-empty.txt
echo ok > done
