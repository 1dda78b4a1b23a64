# The door's look-alike rule simulated on NUAA approaches (scripts/choose-lookalike-constants.sh):
# descriptors of every frame (the still path, as `portier enroll` makes them), read from per-session galleries.
import sqlite3, struct, glob, os, math, json, sys, re
def load(db):
    c = sqlite3.connect(db)
    rows = c.execute("select vector, source from embeddings order by id").fetchall()
    return [(struct.unpack('128f', v), s) for v, s in rows]
E = {}
WORK, CURVES = sys.argv[1], sys.argv[2]
for db in glob.glob(os.path.join(WORK, 'g_*.db')):
    m = re.match(r'.*/g_(\d+)_(\d+)\.db', db); E[(m.group(1), m.group(2))] = load(db)
D = {}
for db in glob.glob(os.path.join(WORK, 'lfw_*.db')):
    v = load(db)
    if v: D[os.path.basename(db)[4:-3]] = v
def dist(a, b): return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b)))
def key(src):  # (glasses,pos) group and picture number
    f = os.path.basename(src).split('.')[0].split('_'); return (f[1], f[2]), int(f[4])
def approaches(frames, n=20):
    groups = {}
    for v, s in frames:
        g, k = key(s); groups.setdefault(g, []).append((k, v))
    out = []
    for g, fs in sorted(groups.items()):
        fs.sort()
        for i in range(0, len(fs) - n + 1, n): out.append([v for _, v in fs[i:i + n]])
    return out
def enrol_frames(frames, k=3):
    fs = sorted(frames, key=lambda f: key(f[1])[1])
    return [fs[int(i * len(fs) / k)][0] for i in range(k)]
curves = json.load(open(CURVES))
IMP = curves['impostor']
def distance_at(rate):
    p = IMP
    if rate <= p[0][0]: return p[0][1]
    if rate >= p[-1][0]: return p[-1][1]
    for (r0, d0), (r1, d1) in zip(p, p[1:]):
        if r0 <= rate <= r1:
            t = (math.log(rate) - math.log(r0)) / (math.log(r1) - math.log(r0)); return d0 + t * (d1 - d0)
def gallery_threshold(n_emb, max_fpir=1e-3):
    target = max_fpir / (3.0 if n_emb > 1 else 1.0)
    fmr = -math.expm1(math.log1p(-target) / n_emb)
    return min(0.6, distance_at(fmr))

def run(gallery, probes_by_approach, kappa, lead, grant_frames=3):
    """gallery: dict name -> list of vectors. Returns per approach: granted name or None."""
    names = list(gallery)
    n_emb = sum(len(v) for v in gallery.values())
    T = gallery_threshold(n_emb)
    # nearest other user per user
    radius = {}
    for a in names:
        L = min(dist(x, y) for b in names if b != a for x in gallery[a] for y in gallery[b]) if len(names) > 1 else 9
        radius[a] = min(T, kappa * L)
    out = []
    for frames in probes_by_approach:
        streak_user, streak, granted = None, 0, None
        for f in frames:
            ds = sorted((min(dist(f, y) for y in gallery[n]), n) for n in names)
            d1, u = ds[0]
            ok = d1 < radius[u] and (len(ds) < 2 or ds[1][0] - d1 >= lead)
            who = u if ok else None
            if who != streak_user: streak_user, streak = who, 0
            streak += 1
            if who and streak >= grant_frames: granted = who; break
        out.append(granted)
    return out, T, radius

def rounds(people, per_person=3, n_lfw=24):
    """Yield (gallery, approaches[(expected or None, frames)]) for each left-out person."""
    lfw = sorted(D)[:n_lfw]
    with_s01 = [p for p in people if (p, '01') in E]
    for out in with_s01:
        gallery = {('nuaa-' + p): enrol_frames(E[(p, '01')]) for p in with_s01 if p != out}
        for n in lfw: gallery[n] = [v for v, _ in D[n]]
        apps = []
        for p in people:
            if p == out or (p, '01') not in E:
                for s in ('01', '02'):
                    if (p, s) in E: apps += [(None, a) for a in approaches(E[(p, s)])[:per_person]]
            elif (p, '02') in E:
                apps += [('nuaa-' + p, a) for a in approaches(E[(p, '02')])[:per_person]]
        yield out, gallery, apps

def precompute(gallery, apps):
    names = list(gallery)
    n_emb = sum(len(v) for v in gallery.values())
    T = gallery_threshold(n_emb)
    L = {a: min(dist(x, y) for b in names if b != a for x in gallery[a] for y in gallery[b]) for a in names}
    A = []
    for exp, frames in apps:
        fr = []
        for f in frames:
            ds = sorted((min(dist(f, y) for y in gallery[n]), n) for n in names)
            fr.append((ds[0][0], ds[0][1], ds[1][0]))
        A.append((exp, fr))
    return T, L, A

def evaluate(T, L, A, kappa, lead, grant=3):
    res = []
    for exp, fr in A:
        su, st, granted = None, 0, None
        for d1, u, d2 in fr:
            ok = d1 < min(T, kappa * L[u]) and d2 - d1 >= lead
            who = u if ok else None
            if who != su: su, st = who, 0
            st += 1
            if who and st >= grant: granted = who; break
        res.append((exp, granted))
    return res

if __name__ == '__main__':
    people = sys.argv[3].split(',')
    pre = [precompute(g, a) for out, g, a in rounds(people)]
    print(f"{len(pre)} rounds (each person with a session 01 left out in turn); {min(24, len(D))} LFW distractors")
    for kappa in (1.0, 0.85, 0.84, 0.83, 0.82, 0.80):
        for lead in (0.0, 0.03, 0.05, 0.08, 0.10):
            g = gi = w = s = si = 0
            for T, L, A in pre:
                for exp, granted in evaluate(T, L, A, kappa, lead):
                    if exp: g += 1; gi += granted == exp; w += granted is not None and granted != exp
                    else: s += 1; si += granted is not None
            print(f"radius x {kappa:.2f}  lead {lead:.2f}:  genuine {gi} of {g}  wrong person {w}  strangers {si} of {s}")
