package dev.quantumliquid.server.repository;

import dev.quantumliquid.server.config.PropertySource;
import dev.quantumliquid.server.config.Setting;
import java.util.List;

/**
 * The energy check at load: the budget and what to do with a model over it.
 *
 * @param budgetMicrowatts ENERGY_BUDGET_UW
 * @param policy QLNN_ENERGY_POLICY
 */
public record EnergySettings(double budgetMicrowatts, EnergyPolicy policy) {
    public static final Setting<Double> BUDGET = Setting.named("ENERGY_BUDGET_UW").defaultsTo("50.0")
            .doc("a model whose estimated power exceeds it (microwatts) is not served under the enforce policy")
            .decimal(Double.MIN_VALUE, 1e12);
    public static final Setting<EnergyPolicy> POLICY = Setting.named("QLNN_ENERGY_POLICY").defaultsTo("enforce")
            .doc("`enforce` or `warn`: warn serves an over-budget model anyway and says so").choice(EnergyPolicy.class);

    public static final List<Setting<?>> SETTINGS = List.of(BUDGET, POLICY);

    public static EnergySettings load(PropertySource source) {
        return new EnergySettings(BUDGET.read(source), POLICY.read(source));
    }
}
