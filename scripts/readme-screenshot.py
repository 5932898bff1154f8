#!/usr/bin/env python3
"""Takes docs/dashboard.png for the README: logs into a running demo server as a teacher in
headless Chromium (through chromedriver's WebDriver API, standard library only) and saves a
screenshot of the dashboard.

Usage: portfolio-sio demo --listen 127.0.0.1:8080 &  then
       scripts/readme-screenshot.py [URL] [EMAIL] [OUT.png] [CSS selector of a link to follow]
"""
import base64, json, socket, subprocess, sys, tempfile, time, urllib.request

base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
email = sys.argv[2] if len(sys.argv) > 2 else "nathalie.lefevre@demo.portfolio-sio.fr"
out = sys.argv[3] if len(sys.argv) > 3 else "docs/dashboard.png"
# Optional: a CSS selector of a link to follow from the dashboard before the screenshot.
follow = sys.argv[4] if len(sys.argv) > 4 else None

s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
driver = subprocess.Popen(["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wd = f"http://127.0.0.1:{port}"

def call(method, path, body=None):
    req = urllib.request.Request(wd + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())["value"]

try:
    for _ in range(100):
        try:
            urllib.request.urlopen(wd + "/status"); break
        except OSError:
            time.sleep(0.05)
    args = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu", "--no-first-run",
            "--window-size=1280,900", f"--user-data-dir={tempfile.mkdtemp()}"]
    sid = call("POST", "/session", {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args}}}})["sessionId"]
    call("POST", f"/session/{sid}/url", {"url": base + "/login"})
    def fill(css, text):
        el = call("POST", f"/session/{sid}/element", {"using": "css selector", "value": css})
        eid = list(el.values())[0]
        call("POST", f"/session/{sid}/element/{eid}/value", {"text": text})
        return eid
    fill("#email", email)
    fill("#password", "portfolio-demo-sio")
    btn = call("POST", f"/session/{sid}/element", {"using": "css selector", "value": "form button[type=submit]"})
    call("POST", f"/session/{sid}/element/{list(btn.values())[0]}/click", {})
    time.sleep(0.5)
    if follow:
        link = call("POST", f"/session/{sid}/element", {"using": "css selector", "value": follow})
        call("POST", f"/session/{sid}/element/{list(link.values())[0]}/click", {})
        time.sleep(0.5)
    png = call("GET", f"/session/{sid}/screenshot")
    with open(out, "wb") as f:
        f.write(base64.b64decode(png))
    call("DELETE", f"/session/{sid}")
    print(f"wrote {out}")
finally:
    driver.terminate()
