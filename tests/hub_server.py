"""A loopback stand-in for the Hugging Face Hub, just big enough for `push_to_hub` / `from_pretrained`.

Standard library only; repos live in memory. Start it with `HubStandIn()` (a context manager) and point
the real `huggingface_hub` client at `server.endpoint` through `HF_ENDPOINT` (with `HF_HUB_DISABLE_XET=1`:
the Xet CAS protocol is not emulated, so uploads take the git-LFS path and downloads plain HTTP).

Endpoints (model repos only, `{repo}` is `namespace/name`, `{rev}` is a branch name or a commit sha):
    POST /api/repos/create                          create a repo (409 when it exists)
    POST /api/validate-yaml                         README.md metadata check (always fine)
    POST /api/models/{repo}/preupload/{rev}         upload mode per file: "lfs" for binary or >10 MB, else "regular"
    POST /{repo}.git/info/lfs/objects/batch         LFS batch API, "basic" transfer: one PUT href per missing object
    PUT  /lfs-objects/{sha256}                      LFS object upload (content checked against its sha256)
    POST /api/models/{repo}/commit/{rev}            ndjson commit: header, file (base64), lfsFile, deletedFile/Folder
    GET  /api/models/{repo}[/revision/{rev}]        model_info: id, sha, siblings
    GET  /api/models/{repo}/tree/{rev}[/{path}]     tree listing (?recursive=true), with lfs info and git oids
    GET/HEAD /{repo}/resolve/{rev}/{path}           file content with X-Repo-Commit, ETag, Content-Length and,
                                                    for LFS files, X-Linked-Etag / X-Linked-Size
Errors carry the Hub's X-Error-Code header (RepoNotFound, RevisionNotFound, EntryNotFound), which the
client turns into its typed exceptions. Every request is recorded in `server.requests` as (method, path),
and any unexpected handler exception in `server.errors` (it is answered with a 400, so the client fails fast).
"""
import base64
import hashlib
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

REPO = r"(?P<repo>[^/]+/[^/]+)"
LFS_THRESHOLD = 10 * 1024 * 1024


def git_blob_oid(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def lfs_pointer(sha256, size):
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n".encode()


class HubError(Exception):
    def __init__(self, status, message, code=None):
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so every response carries a Content-Length
    routes = [
        ("POST", r"/api/repos/create", "create_repo"),
        ("POST", r"/api/validate-yaml", "validate_yaml"),
        ("POST", rf"/api/models/{REPO}/preupload/(?P<rev>[^/]+)", "preupload"),
        ("POST", rf"/{REPO}\.git/info/lfs/objects/batch", "lfs_batch"),
        ("PUT", r"/lfs-objects/(?P<oid>[0-9a-f]{64})", "lfs_put"),
        ("POST", rf"/api/models/{REPO}/commit/(?P<rev>[^/]+)", "commit"),
        ("GET", rf"/api/models/{REPO}/tree/(?P<rev>[^/]+)(?:/(?P<path>.*))?", "tree"),
        ("GET", rf"/api/models/{REPO}(?:/revision/(?P<rev>[^/]+))?", "model_info"),
        ("GET", rf"/{REPO}/resolve/(?P<rev>[^/]+)/(?P<path>.+)", "resolve"),
        ("HEAD", rf"/{REPO}/resolve/(?P<rev>[^/]+)/(?P<path>.+)", "resolve"),
    ]

    def log_message(self, *args):  # keep pytest output clean
        pass

    def do_GET(self):
        self.dispatch()

    do_HEAD = do_POST = do_PUT = do_GET

    def dispatch(self):
        url = urlsplit(self.path)
        self.query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        self.hub.requests.append((self.command, url.path))
        body = self.read_body()
        try:
            for method, pattern, name in self.routes:
                match = re.fullmatch(pattern, url.path)
                if method == self.command and match:
                    args = {key: unquote(value) for key, value in match.groupdict().items() if value is not None}
                    return getattr(self, name)(body, **args)
            raise HubError(404, f"No route for {self.command} {url.path}")
        except HubError as error:
            headers = {"X-Error-Message": error.message, **({"X-Error-Code": error.code} if error.code else {})}
            self.reply(error.status, {"error": error.message}, headers)
        except Exception as error:  # a stand-in bug: answer 400 (never retried by the client) and keep it
            self.hub.errors.append(f"{self.command} {url.path}: {error!r}")
            self.reply(400, {"error": repr(error)})

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()  # the CRLF after each chunk (and after the last, empty one)
                if size == 0:
                    return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def reply(self, status, payload=None, headers=None, raw=None, content_type="application/json"):
        data = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    # ---- write side -------------------------------------------------------------------------------
    def create_repo(self, body):
        payload = json.loads(body)
        repo_id = f"{payload.get('organization') or 'user'}/{payload['name']}"
        url = f"{self.hub.endpoint}/{repo_id}"
        with self.hub.lock:
            if repo_id in self.hub.repos:
                raise HubError(409, "You already created this model repo")
            self.hub.new_repo(repo_id, private=bool(payload.get("private")))
        self.reply(200, {"url": url, "name": repo_id})

    def validate_yaml(self, body):
        self.reply(200, {"errors": [], "warnings": []})

    def preupload(self, body, repo, rev):
        files = self.hub.snapshot(repo, rev)
        answer = []
        for item in json.loads(body)["files"]:
            binary = b"\0" in base64.b64decode(item["sample"])
            existing = files.get(item["path"])
            answer.append({
                "path": item["path"], "shouldIgnore": False,
                "uploadMode": "lfs" if binary or item["size"] > LFS_THRESHOLD else "regular",
                "oid": None if existing is None else existing["sha256"] or git_blob_oid(existing["data"]),
            })
        self.reply(200, {"files": answer, "commitOid": self.hub.repo(repo)["head"]})

    def lfs_batch(self, body, repo):
        self.hub.repo(repo)
        objects = []
        for obj in json.loads(body)["objects"]:
            entry = {"oid": obj["oid"], "size": obj["size"]}
            if obj["oid"] not in self.hub.lfs_objects:
                entry["actions"] = {"upload": {"href": f"{self.hub.endpoint}/lfs-objects/{obj['oid']}"}}
            objects.append(entry)
        self.reply(200, {"transfer": "basic", "objects": objects, "hash_algo": "sha256"},
                   content_type="application/vnd.git-lfs+json")

    def lfs_put(self, body, oid):
        if hashlib.sha256(body).hexdigest() != oid:
            raise HubError(400, "LFS object content does not match its sha256")
        self.hub.lfs_objects[oid] = body
        self.reply(200, {})

    def commit(self, body, repo, rev):
        lines = [json.loads(line) for line in body.decode().splitlines() if line.strip()]
        with self.hub.lock:
            files = dict(self.hub.snapshot(repo, rev))
            summary = ""
            for line in lines:
                key, value = line["key"], line["value"]
                if key == "header":
                    summary = value["summary"]
                elif key == "file":
                    files[value["path"]] = {"data": base64.b64decode(value["content"]), "sha256": None}
                elif key == "lfsFile":
                    data = self.hub.lfs_objects.get(value["oid"])
                    if data is None:
                        raise HubError(422, f"LFS object {value['oid']} was never uploaded")
                    files[value["path"]] = {"data": data, "sha256": value["oid"]}
                elif key == "deletedFile":
                    files.pop(value["path"], None)
                elif key == "deletedFolder":
                    prefix = value["path"].rstrip("/") + "/"
                    files = {path: f for path, f in files.items() if not path.startswith(prefix)}
            sha = self.hub.add_commit(repo, files, summary)
        self.reply(200, {"success": True, "commitOid": sha, "commitUrl": f"{self.hub.endpoint}/{repo}/commit/{sha}",
                         "hookOutput": ""})

    # ---- read side ----------------------------------------------------------------------------------
    def model_info(self, body, repo, rev="main"):
        sha = self.hub.resolve_rev(repo, rev)
        files = self.hub.repo(repo)["commits"][sha]
        self.reply(200, {
            "id": repo, "modelId": repo, "sha": sha, "private": self.hub.repo(repo)["private"],
            "lastModified": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
            "tags": [], "siblings": [{"rfilename": path} for path in sorted(files)],
        })

    def tree(self, body, repo, rev, path=""):
        files = self.hub.snapshot(repo, rev)
        recursive = self.query.get("recursive", "false").lower() == "true"
        prefix = path.strip("/") + "/" if path.strip("/") else ""
        entries, folders = [], set()
        for name in sorted(files):
            if not name.startswith(prefix):
                continue
            rest = name[len(prefix):].split("/")
            for depth in range(1, len(rest)):  # the folders on the way down
                if recursive or depth == 1:
                    folders.add(prefix + "/".join(rest[:depth]))
            if recursive or len(rest) == 1:
                entries.append(self.file_entry(name, files[name]))
        if prefix and not entries and not folders:
            raise HubError(404, f"{path} does not exist", "EntryNotFound")
        folder_oid = lambda name: hashlib.sha1(name.encode()).hexdigest()  # noqa: E731 (not a real git tree id)
        entries += [{"type": "directory", "oid": folder_oid(name), "size": 0, "path": name} for name in folders]
        self.reply(200, sorted(entries, key=lambda entry: entry["path"]))

    @staticmethod
    def file_entry(path, file):
        data, sha256 = file["data"], file["sha256"]
        if sha256 is None:
            return {"type": "file", "path": path, "size": len(data), "oid": git_blob_oid(data)}
        pointer = lfs_pointer(sha256, len(data))
        return {"type": "file", "path": path, "size": len(data), "oid": git_blob_oid(pointer),
                "lfs": {"oid": sha256, "size": len(data), "pointerSize": len(pointer)}}

    def resolve(self, body, repo, rev, path):
        sha = self.hub.resolve_rev(repo, rev)
        file = self.hub.repo(repo)["commits"][sha].get(path)
        if file is None:
            self.reply(404, {"error": f"{path} does not exist"},
                       {"X-Error-Code": "EntryNotFound", "X-Error-Message": "Entry not found", "X-Repo-Commit": sha})
            return
        headers = {"X-Repo-Commit": sha, "Accept-Ranges": "none"}
        if file["sha256"] is None:
            headers["ETag"] = f'"{git_blob_oid(file["data"])}"'
        else:
            pointer = lfs_pointer(file["sha256"], len(file["data"]))
            headers.update({"ETag": f'"{git_blob_oid(pointer)}"', "X-Linked-Etag": f'"{file["sha256"]}"',
                            "X-Linked-Size": str(len(file["data"]))})
        self.reply(200, raw=file["data"], headers=headers, content_type="application/octet-stream")


class HubStandIn:
    """In-memory Hub on 127.0.0.1:<free port>. `endpoint` is what to put in HF_ENDPOINT."""

    def __init__(self):
        self.repos = {}        # repo_id -> {"private", "head", "commits": {sha: {path: {"data", "sha256"}}}}
        self.lfs_objects = {}  # sha256 -> bytes
        self.requests = []
        self.errors = []       # unexpected exceptions inside handlers
        self.lock = threading.Lock()
        handler = type("BoundHandler", (Handler,), {"hub": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    # ---- storage ------------------------------------------------------------------------------------
    def new_repo(self, repo_id, private=False):
        self.repos[repo_id] = {"private": private, "head": None, "commits": {}}
        self.add_commit(repo_id, {}, "initial commit")

    def add_commit(self, repo_id, files, summary):
        repo = self.repo(repo_id)
        sha = hashlib.sha1(f"{repo_id}|{repo['head']}|{summary}|{time.time_ns()}".encode()).hexdigest()
        repo["commits"][sha] = files
        repo["head"] = sha
        return sha

    def repo(self, repo_id):
        if repo_id not in self.repos:
            raise HubError(404, "Repository not found", "RepoNotFound")
        return self.repos[repo_id]

    def resolve_rev(self, repo_id, rev):
        repo = self.repo(repo_id)
        if rev == "main":
            return repo["head"]
        if rev in repo["commits"]:
            return rev
        raise HubError(404, f"Invalid rev id: {rev}", "RevisionNotFound")

    def snapshot(self, repo_id, rev):
        return self.repo(repo_id)["commits"][self.resolve_rev(repo_id, rev)]
