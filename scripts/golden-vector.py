import hashlib, subprocess, binascii
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization
pw = b"abacus abdomen abdominal abide abiding ability ablaze able"
domain = b"example.org"
salt = hashlib.blake2b(b"hypha:v1:" + domain, digest_size=16).digest()
print("salt", salt.hex())
# argon2 CLI takes the salt as raw argument bytes; our salt has non-printable bytes -> use python to pass bytes via argv (bytes ok on linux)
out = subprocess.run([b"argon2", salt, b"-id", b"-t", b"3", b"-k", b"262144", b"-p", b"1", b"-l", b"32", b"-r"], input=pw, capture_output=True)
M = bytes.fromhex(out.stdout.decode().strip())
print("M", M.hex())
def kdf(key, i, ctx):
    return hashlib.blake2b(b"", digest_size=32, key=key, salt=i.to_bytes(8,"little")+bytes(8), person=ctx+bytes(8)).digest()
def pk(seed):
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
rs = kdf(M,1,b"HyRoot01"); print("rootseed", rs.hex()); print("rootpk", pk(rs).hex())
print("chan", kdf(M,1,b"HyChan01").hex()); print("data", kdf(M,1,b"HyData01").hex())
ds = kdf(M,7,b"HyDvSg01"); print("dev7pk", pk(ds).hex())
ds = kdf(M,0x0123456789abcdef,b"HyDvSg01"); print("devbigpk", pk(ds).hex())
