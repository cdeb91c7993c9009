//! Pairing rounds: groups that maximise, in order, how many people are paired, how many pairs have
//! never met, how long ago the others last met, mentor pairs, and overlapping working hours; avoid
//! lists are hard constraints. Exact for small pools (a maximum-weight matching over subsets, with a
//! look-ahead that keeps a fixed pool able to meet everyone before anyone meets twice), greedy plus
//! pair-swap improvement for large ones.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A fast hasher for pair keys: a large pool's matching looks pairs up millions of times, and the
/// keys are member ids, not attacker-chosen strings.
#[derive(Default)]
struct PairHasher(u64);

impl Hasher for PairHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<PairHasher>>;

/// One member of the round.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: i64,
    /// Their UTC offset now, in minutes, when their time zone is known.
    pub utc_offset_minutes: Option<i32>,
    /// Mentor mode: needs help with the pool's course.
    pub needs_help: bool,
    /// Mentor mode: has mastered the pool's course.
    pub mastered: bool,
}

/// What a round is planned with.
#[derive(Debug, Clone, Default)]
pub struct RoundInput {
    pub members: Vec<Candidate>,
    /// Unordered pair → the round number they last met in.
    pub last_met: HashMap<(i64, i64), u32>,
    /// Unordered pairs that must never be grouped.
    pub avoid: HashSet<(i64, i64)>,
    /// This round's number (rounds since a meeting = round - last round).
    pub round: u32,
    /// 2 or 3.
    pub group_size: usize,
    pub mentor_mode: bool,
}

/// The key under which an unordered pair is stored.
pub fn pair(a: i64, b: i64) -> (i64, i64) {
    if a < b { (a, b) } else { (b, a) }
}

const PAIRED: i64 = 1_000_000_000;
const NEVER_MET: i64 = 10_000_000;
const MENTOR: i64 = 5_000_000;
/// Per round since the last meeting (capped), so the oldest meeting is preferred among repeats.
const PER_ROUND_APART: i64 = 1_000;
/// Up to this for identical working hours, down to 0 for twelve hours apart.
const SAME_HOURS: i64 = 120;
/// Pools up to this size get the exact matching.
pub const EXACT_LIMIT: usize = 18;

/// A pair's weight by member index (None: they must not be grouped).
type Weight<'a> = dyn Fn(usize, usize) -> Option<i64> + 'a;
/// Improvement passes over all pairs of pairs in large pools.
const GREEDY_PASSES: usize = 4;

struct Weights<'a> {
    input: &'a RoundInput,
    last_met: FastMap<(i64, i64), u32>,
    avoid: FastMap<(i64, i64), ()>,
}

impl Weights<'_> {
    /// None when the two must not be grouped.
    fn of(&self, a: &Candidate, b: &Candidate) -> Option<i64> {
        let key = pair(a.id, b.id);
        if a.id == b.id || self.avoid.contains_key(&key) {
            return None;
        }
        let mut w = PAIRED;
        match self.last_met.get(&key) {
            None => w += NEVER_MET,
            Some(r) => {
                w += i64::from(self.input.round.saturating_sub(*r).min(999)) * PER_ROUND_APART
            }
        }
        if self.input.mentor_mode && ((a.needs_help && b.mastered) || (b.needs_help && a.mastered))
        {
            w += MENTOR;
        }
        if let (Some(x), Some(y)) = (a.utc_offset_minutes, b.utc_offset_minutes) {
            let apart = i64::from((x - y).abs().min(720));
            w += SAME_HOURS - apart * SAME_HOURS / 720;
        }
        Some(w)
    }
}

/// Plans one round: groups of member ids (pairs, plus a trio for an odd member out; trios when the
/// group size is 3). Members nobody may be grouped with are left out.
pub fn plan_round(input: &RoundInput) -> Vec<Vec<i64>> {
    let n = input.members.len();
    if n < 2 {
        return Vec::new();
    }
    let weights = Weights {
        input,
        last_met: input.last_met.iter().map(|(k, v)| (*k, *v)).collect(),
        avoid: input.avoid.iter().map(|k| (*k, ())).collect(),
    };
    let m = &input.members;
    let w = |i: usize, j: usize| weights.of(&m[i], &m[j]);
    let pairs = if n <= EXACT_LIMIT {
        let matrix: Vec<Vec<Option<i64>>> =
            (0..n).map(|i| (0..n).map(|j| w(i, j)).collect()).collect();
        look_ahead(input, &matrix).unwrap_or_else(|| exact_matching(&matrix))
    } else {
        // Each member's number of possible partners: those they do not avoid.
        let index: FastMap<i64, usize> = m.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        let mut options = vec![n - 1; n];
        for (a, b) in &input.avoid {
            if let (Some(i), Some(j)) = (index.get(a), index.get(b)) {
                options[*i] -= 1;
                options[*j] -= 1;
            }
        }
        greedy_matching(n, &w, &options)
    };
    let mut groups: Vec<Vec<usize>> = pairs.iter().map(|(a, b)| vec![*a, *b]).collect();
    let paired: HashSet<usize> = pairs.iter().flat_map(|(a, b)| [*a, *b]).collect();
    // An odd member out joins the pair they fit best: a trio, never left alone.
    for one in (0..n).filter(|i| !paired.contains(i)) {
        join_best(&mut groups, one, &w, 3);
    }
    if input.group_size >= 3 {
        into_trios(&mut groups, &w);
    }
    groups
        .into_iter()
        .map(|g| g.into_iter().map(|i| m[i].id).collect())
        .collect()
}

/// The total weight of a group (None when two of its members must not meet).
fn group_weight(g: &[usize], w: &Weight) -> Option<i64> {
    let mut total = 0;
    for (k, a) in g.iter().enumerate() {
        for b in &g[k + 1..] {
            total += w(*a, *b)?;
        }
    }
    Some(total)
}

/// Adds a member to the group below `max_len` where they fit best; false when none allows them.
fn join_best(groups: &mut [Vec<usize>], one: usize, w: &Weight, max_len: usize) -> bool {
    let best = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.len() < max_len)
        .filter_map(|(i, g)| {
            let added: Option<i64> = g.iter().map(|x| w(one, *x)).sum();
            added.map(|t| (i, t))
        })
        .max_by_key(|(i, t)| (*t, std::cmp::Reverse(*i)));
    match best {
        Some((i, _)) => {
            groups[i].push(one);
            true
        }
        None => false,
    }
}

/// Group size 3: while three or more pairs remain, the weakest pair splits and its two members each
/// join another pair.
fn into_trios(groups: &mut Vec<Vec<usize>>, w: &Weight) {
    loop {
        let pairs: Vec<usize> = (0..groups.len())
            .filter(|i| groups[*i].len() == 2)
            .collect();
        if pairs.len() < 3 {
            return;
        }
        let weakest = pairs
            .iter()
            .copied()
            .min_by_key(|i| group_weight(&groups[*i], w).unwrap_or(i64::MIN))
            .unwrap_or(pairs[0]);
        let split = groups.remove(weakest);
        let mut undo = groups.clone();
        if !split.iter().all(|one| join_best(groups, *one, w, 3)) {
            // Avoid lists leave no room: keep the pair as it was and stop merging.
            undo.push(split);
            *groups = undo;
            return;
        }
    }
}

/// Maximum total weight matching by dynamic programming over subsets (pools up to EXACT_LIMIT).
fn exact_matching(w: &[Vec<Option<i64>>]) -> Vec<(usize, usize)> {
    let n = w.len();
    let full = (1usize << n) - 1;
    // best[mask]: best total for the members in `mask` still to place.
    let mut best = vec![0i64; 1 << n];
    let mut choice = vec![usize::MAX; 1 << n];
    for mask in 1..=full {
        let i = mask.trailing_zeros() as usize;
        let rest = mask & !(1 << i);
        let mut b = best[rest]; // i sits out
        let mut c = usize::MAX;
        let mut others = rest;
        while others != 0 {
            let j = others.trailing_zeros() as usize;
            others &= others - 1;
            if let Some(x) = w[i][j] {
                let v = x + best[rest & !(1 << j)];
                if v > b {
                    b = v;
                    c = j;
                }
            }
        }
        best[mask] = b;
        choice[mask] = c;
    }
    let mut pairs = Vec::new();
    let mut mask = full;
    while mask != 0 {
        let i = mask.trailing_zeros() as usize;
        match choice[mask] {
            usize::MAX => mask &= !(1 << i),
            j => {
                pairs.push((i, j));
                mask &= !((1 << i) | (1 << j));
            }
        }
    }
    pairs
}

/// For a fixed pool that still has people to meet: a perfect matching of never-met pairs whose
/// removal leaves the rest still splittable into rounds where everyone meets someone new, so nobody
/// meets anyone twice until everyone has met. None when that does not apply or is not found within
/// the search budget.
fn look_ahead(input: &RoundInput, w: &[Vec<Option<i64>>]) -> Option<Vec<(usize, usize)>> {
    let n = w.len();
    if input.group_size != 2 || !n.is_multiple_of(2) || n > 16 {
        return None;
    }
    let ids: Vec<i64> = input.members.iter().map(|m| m.id).collect();
    let mut unmet = vec![0u32; n];
    for i in 0..n {
        for j in 0..n {
            if i != j && w[i][j].is_some() && !input.last_met.contains_key(&pair(ids[i], ids[j])) {
                unmet[i] |= 1 << j;
            }
        }
    }
    let degree = unmet[0].count_ones();
    if degree == 0 || unmet.iter().any(|a| a.count_ones() != degree) {
        return None;
    }
    let mut budget = 200_000u32;
    // The best matching overall, if it keeps the rest splittable.
    let best = exact_matching(w);
    if best.len() * 2 == n && best.iter().all(|(a, b)| unmet[*a] & (1 << b) != 0) {
        let mut rest = unmet.clone();
        for (a, b) in &best {
            rest[*a] &= !(1 << b);
            rest[*b] &= !(1 << a);
        }
        let mut ignored = None;
        if factorize(&mut rest, w, &mut budget, &mut ignored) {
            return Some(best);
        }
    }
    let mut first = None;
    factorize(&mut unmet, w, &mut budget, &mut first)
        .then_some(first)
        .flatten()
}

/// Splits the graph into perfect matchings (a 1-factorisation), recording the first one.
fn factorize(
    adj: &mut [u32],
    w: &[Vec<Option<i64>>],
    budget: &mut u32,
    first: &mut Option<Vec<(usize, usize)>>,
) -> bool {
    if adj.iter().all(|a| *a == 0) {
        return true;
    }
    let mut chosen = Vec::new();
    let all = (1u32 << adj.len()) - 1;
    matchings(adj, w, all, &mut chosen, budget, first)
}

fn matchings(
    adj: &mut [u32],
    w: &[Vec<Option<i64>>],
    free: u32,
    chosen: &mut Vec<(usize, usize)>,
    budget: &mut u32,
    first: &mut Option<Vec<(usize, usize)>>,
) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    if free == 0 {
        for (a, b) in chosen.iter() {
            adj[*a] &= !(1 << b);
            adj[*b] &= !(1 << a);
        }
        let recorded = first.is_none();
        if recorded {
            *first = Some(chosen.clone());
        }
        if factorize(adj, w, budget, first) {
            return true;
        }
        for (a, b) in chosen.iter() {
            adj[*a] |= 1 << b;
            adj[*b] |= 1 << a;
        }
        if recorded {
            *first = None;
        }
        return false;
    }
    // The free member with the fewest options goes first: dead ends show up early.
    let mut bits = free;
    let mut pick = (usize::MAX, u32::MAX);
    while bits != 0 {
        let i = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        let options = (adj[i] & free).count_ones();
        if options < pick.1 {
            pick = (i, options);
        }
    }
    let i = pick.0;
    // Heavier partners first (hours, mentors), so the first split found is a good one.
    let mut options: Vec<usize> = (0..adj.len())
        .filter(|j| adj[i] & free & (1 << j) != 0)
        .collect();
    options.sort_by_key(|j| std::cmp::Reverse(w[i][*j].unwrap_or(0)));
    for j in options {
        chosen.push((i, j));
        if matchings(adj, w, free & !(1 << i) & !(1 << j), chosen, budget, first) {
            return true;
        }
        chosen.pop();
    }
    false
}

/// Large pools: the most constrained member first takes their best free partner, then swaps between
/// two pairs while any improves the total (a bounded number of passes).
fn greedy_matching(n: usize, w: &Weight, options: &[usize]) -> Vec<(usize, usize)> {
    let mut order: Vec<(usize, usize)> = (0..n).map(|i| (options[i], i)).collect();
    order.sort_unstable();
    let mut taken = vec![false; n];
    let mut pairs = Vec::with_capacity(n / 2);
    for (_, i) in order {
        if taken[i] {
            continue;
        }
        let best = (0..n)
            .filter(|j| *j != i && !taken[*j])
            .filter_map(|j| w(i, j).map(|x| (x, std::cmp::Reverse(j))))
            .max();
        if let Some((_, std::cmp::Reverse(j))) = best {
            taken[i] = true;
            taken[j] = true;
            pairs.push((i, j));
        }
    }
    let value = |a: usize, b: usize| w(a, b).unwrap_or(i64::MIN / 4);
    for _ in 0..GREEDY_PASSES {
        let mut improved = false;
        for x in 0..pairs.len() {
            for y in x + 1..pairs.len() {
                let ((a, b), (c, d)) = (pairs[x], pairs[y]);
                let now = value(a, b) + value(c, d);
                let swap1 = value(a, c) + value(b, d);
                let swap2 = value(a, d) + value(b, c);
                if swap1 > now && swap1 >= swap2 {
                    pairs[x] = (a, c);
                    pairs[y] = (b, d);
                    improved = true;
                } else if swap2 > now {
                    pairs[x] = (a, d);
                    pairs[y] = (b, c);
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
    pairs
}

#[cfg(test)]
#[path = "matching_tests.rs"]
mod tests;
