"""Vowpal Wabbit as the external reference: --cb_explore_adf with one
exploration configuration (the third argument, e.g. "--squarecb" or
"--epsilon 0.05"), context features crossed with the action (-q CA) and the
action with pairs of context features (--cubic CCA), learning online from
each request of the same stream the Mosaic benchmark reads. Prints one JSON
line per request: the chosen handler index and its probability."""
import json
import random
import sys

import vowpalwabbit

OBJ_SUCCESS, OBJ_LATENCY = 1.0, -0.0005


def main(stream_path: str, seed: int, exploration: str) -> None:
    vw = vowpalwabbit.Workspace(f"--cb_explore_adf {exploration} -q CA --cubic CCA --quiet --random_seed {seed}")
    rng = random.Random(seed)
    out = sys.stdout
    with open(stream_path) as f:
        for line in f:
            row = json.loads(line)
            c = row["ctx"]
            band = "low" if c["cpu"] < 0.33 else "mid" if c["cpu"] < 0.66 else "high"
            shared = (
                f"shared |C region={c['region']} type={c['resourceType']} class={c['classification']} "
                f"account={c['account']} band={band} load:{c['cpu']:.4f}"
            )
            actions = [f"|A h={h}" for h in row["handlers"]]
            pmf = vw.predict([shared] + actions)
            u, chosen = rng.random(), len(pmf) - 1
            for i, p in enumerate(pmf):
                if u < p:
                    chosen = i
                    break
                u -= p
            reward = OBJ_SUCCESS * row["success"][chosen] + OBJ_LATENCY * row["latencyMs"][chosen]
            labeled = [shared] + [
                (f"0:{-reward}:{pmf[i]} " if i == chosen else "") + a for i, a in enumerate(actions)
            ]
            vw.learn(labeled)
            out.write(json.dumps({"chosen": chosen, "p": pmf[chosen]}) + "\n")
    vw.finish()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "--squarecb")
