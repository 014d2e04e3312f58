use asyncscope::scenarios::{run, RunOptions};
use asyncscope::timeline::Timeline;
#[test]
fn dump() {
    for (id, opts) in [("breakfast", RunOptions::virtual_time()), ("cancel-at", RunOptions::virtual_time()), ("cancel-at", RunOptions::virtual_time().knob("how","abort")), ("blocking-heartbeat", RunOptions::virtual_time()), ("blocking-heartbeat", RunOptions::virtual_time().knob("mode","spawn_blocking"))] {
        let t = run(id, &opts).unwrap();
        let tl = Timeline::from_trace(&t);
        println!("== {id} {:?}: end {:?} run_end {:?}", opts.knobs, tl.end, tl.run_end);
        for task in &tl.tasks {
            println!("  {} {:?} spawned {:.3}u ended {:?} polls {} busy_wall {}us idle {:.3}u wakes {:?}", task.label(), task.end, tl.units(task.spawned.rt_ns), task.ended.map(|e| tl.units(e.rt_ns)), task.polls.len(), task.busy_wall_ns()/1000, tl.units(task.idle_ns()), task.wakes.iter().map(|w| w.source).collect::<Vec<_>>().get(..3));
            for iv in task.intervals.iter().take(6) { println!("     {:?} {:.3}-{:.3} {:?}", iv.state, tl.units(iv.start.rt_ns), tl.units(iv.end.rt_ns), iv.waiting_on); }
        }
        println!("  peak {:?} leaks {:?} longest {:?} lag p50 {:?} max {:?} deadlock {:?}", tl.peak_in_flight(None), tl.leaks(), tl.longest_poll().map(|(t,p)| (t, p.wall_ns()/1000)), tl.heartbeat_lag_percentile(50.0), tl.max_heartbeat_lag_us(), tl.deadlock());
        println!("  values {:?}", t.values);
    }
}
