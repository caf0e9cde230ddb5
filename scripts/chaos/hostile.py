#!/usr/bin/python3
"""A third-party XMPP client (slixmpp, Debian's python3-slixmpp) attacking a Herald network.

It logs in as the account given, reads the real announcements on the repository's pubsub node,
publishes `count` mutated copies of them (option-looking refs, shell metacharacters, bad shas,
huge values, wrong namespaces, deep nesting, replays, other repositories' ids) and sends chat
commands to the agents. Every choice comes from `seed`. One JSON line of figures on stdout.

  argv[1]: JSON {host, port, ca, jid, password, pubsub, node, repo, count, seed, canary, targets}
"""
import asyncio
import json
import random
import sys
import xml.etree.ElementTree as ET

import slixmpp

NS = "urn:herald:0"


def mutations(real, cfg, rnd):
    """Endless stream of (label, element) built from a real <announce/> element."""
    canary = cfg["canary"]
    evil = [f"--upload-pack=touch {canary}", f"-c core.sshCommand=touch {canary}", f"refs/heads/main;touch {canary}",
            f"refs/heads/$(touch {canary})", f"refs/heads/`touch {canary}`", f"refs/heads/a|touch {canary}",
            f"refs/heads/main\ntouch {canary}", "refs/heads/../../config", "HEAD", "--all", "refs/heads/main\tx"]
    bad_shas = ["z" * 40, real.get("sha", "")[:7], real.get("sha", "") + "0", "HEAD", "--all", "0" * 40, "-" + "a" * 39,
                real.get("sha", "")[:39] + "\n", "f" * 64 + "f"]
    other_repo = "%040x" % rnd.getrandbits(160)

    def copy(**attrs):
        el = ET.Element(f"{{{NS}}}announce", dict(real.attrib))
        for k, v in attrs.items():
            if v is None:
                el.attrib.pop(k, None)
            else:
                el.set(k, v)
        return el

    while True:
        kind = rnd.choice(["option-ref", "shell", "bad-sha", "huge", "namespace", "nesting", "replay", "other-repo",
                           "bad-node", "bad-fields", "extra-attrs"])
        if kind in ("option-ref", "shell"):
            yield kind, copy(ref=rnd.choice(evil))
        elif kind == "bad-sha":
            yield kind, copy(**{rnd.choice(["sha", "prev"]): rnd.choice(bad_shas)})
        elif kind == "huge":
            yield kind, copy(**{rnd.choice(["ref", "sha", "node", "repo", "seq", "time"]): "9" * rnd.choice([5000, 12000])})
        elif kind == "namespace":
            el = ET.Element(rnd.choice(["{urn:herald:1}announce", "{urn:evil}announce", "announce", f"{{{NS}}}map"]), dict(real.attrib))
            yield kind, el
        elif kind == "nesting":
            el = copy()
            cur = el
            for _ in range(rnd.choice([5, 10])):  # 25 deep, and Prosody 0.12 ends the stream (its limit, not Herald's)
                cur = ET.SubElement(cur, f"{{{NS}}}announce", dict(real.attrib))
            yield kind, el
        elif kind == "replay":
            yield kind, copy()
        elif kind == "other-repo":
            yield kind, copy(repo=other_repo)
        elif kind == "bad-node":
            yield kind, copy(node=rnd.choice(["../../etc", "c1 --foo", "c2\nc3", "", "-x", "c1;touch " + canary, "c99"]))
        elif kind == "bad-fields":
            yield kind, copy(**rnd.choice([{"version": "2"}, {"seq": "-1"}, {"seq": "1e99"}, {"time": "yesterday"}, {"version": None}, {"sha": None}]))
        else:
            yield kind, copy(url=f"file:///tmp/{canary}", path="/etc", option="--upload-pack=touch " + canary)


class Attacker(slixmpp.ClientXMPP):
    def __init__(self, cfg):
        super().__init__(cfg["jid"], cfg["password"])
        self.cfg = cfg
        self.stats = {"jid": cfg["jid"], "read": 0, "published": 0, "refused": 0, "chats": 0, "kinds": {}}
        self.register_plugin("xep_0060")
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("failed_auth", lambda _e: self.finish("login failed"))
        self.add_event_handler("disconnected", self.on_disconnected)
        self.done = False
        self.last = None

    def on_disconnected(self, _event):
        if not self.done and "error" not in self.stats:
            self.stats["closedAfter"] = f"the server closed the stream after {self.stats['published'] + self.stats['refused']} items (last: {self.last})"

    def finish(self, error=None):
        if error:
            self.stats["error"] = error
        self.disconnect()

    async def start(self, _event):
        try:
            await self.attack()
        except Exception as e:  # reported as a figure, not a crash: the agents are the subject
            self.stats["error"] = repr(e)
        self.disconnect()

    async def attack(self):
        cfg, rnd = self.cfg, random.Random(self.cfg["seed"])
        pubsub = self.plugin["xep_0060"]
        res = await pubsub.get_items(cfg["pubsub"], cfg["node"], max_items=20, timeout=30)
        reals = [p for item in res["pubsub"]["items"] for p in item.xml if p.tag.endswith("announce")]
        self.stats["read"] = len(reals)
        if not reals:
            raise RuntimeError("no announcement to mutate on " + cfg["node"])
        streams = [mutations(r, cfg, rnd) for r in reals]
        for i in range(cfg["count"]):
            kind, payload = next(rnd.choice(streams))
            self.stats["kinds"][kind] = self.stats["kinds"].get(kind, 0) + 1
            self.last = kind
            node = cfg["node"] if kind != "other-repo" or rnd.random() < 0.5 else "herald/" + payload.get("repo", "x")
            item_id = payload.get("sha", "x")[:40] if kind == "replay" and rnd.random() < 0.5 else f"chaos-{cfg['seed']}-{i}"
            try:
                await pubsub.publish(cfg["pubsub"], node, id=item_id, payload=payload, timeout=30)
                self.stats["published"] += 1
            except (slixmpp.exceptions.IqError, slixmpp.exceptions.IqTimeout):
                self.stats["refused"] += 1
        for target in cfg["targets"]:
            for body in ["pause", "sync", "status", "help", "resume", "pause " + target.split("@")[0],
                         f"sync; touch {cfg['canary']}", f"sync --upload-pack='touch {cfg['canary']}'", "x" * 20000]:
                self.send_message(mto=target, mbody=body, mtype="chat")
                self.stats["chats"] += 1
        await asyncio.sleep(1)  # let the chats leave before the stream closes
        self.done = True


def main():
    cfg = json.loads(sys.argv[1])
    xmpp = Attacker(cfg)
    # STARTTLS, as the test server requires, trusting the run's CA (the certificate names the domain).
    xmpp.ca_certs = cfg["ca"]
    xmpp.connect((cfg["host"], cfg["port"]), force_starttls=True)
    xmpp.loop.run_until_complete(xmpp.disconnected)
    print(json.dumps(xmpp.stats))


if __name__ == "__main__":
    main()
