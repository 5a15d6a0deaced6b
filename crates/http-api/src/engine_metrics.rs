use socialpub_application::EngineMetrics;

use crate::MetricsSource;

/// The publishing engine's counters on `/metrics`: the composition root adds the engine's
/// `Arc<EngineMetrics>` to `ApiState::metrics_sources`.
impl MetricsSource for EngineMetrics {
    fn render(&self, out: &mut String) {
        EngineMetrics::render(self, out);
    }
}
