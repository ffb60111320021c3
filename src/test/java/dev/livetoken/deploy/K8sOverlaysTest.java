package dev.livetoken.deploy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every overlay under k8s/overlays, rendered offline with kubectl kustomize, meets the deploy rules. */
class K8sOverlaysTest {

    static List<String> overlays() {
        return Kustomize.overlays();
    }

    @Test
    void devAndProdOverlaysExist() {
        assertTrue(
                overlays().containsAll(List.of("dev", "prod")), "k8s/overlays must hold dev and prod: " + overlays());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void probesPointAtHealthEndpoints(String overlay) {
        K8sRules.probesPointAtHealthEndpoints(Kustomize.render(overlay));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void resourcesAreRequestedAndLimited(String overlay) {
        K8sRules.resourcesAreRequestedAndLimited(Kustomize.render(overlay));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void memoryLimitHoldsTheHeapAndTheRest(String overlay) {
        K8sRules.memoryLimitHoldsTheHeapAndTheRest(Kustomize.render(overlay));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void podRunsAsNonRoot(String overlay) {
        K8sRules.podRunsAsNonRoot(Kustomize.render(overlay));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void rootFilesystemIsReadOnlyWithTmpEmptyDir(String overlay) {
        K8sRules.rootFilesystemIsReadOnlyWithTmpEmptyDir(Kustomize.render(overlay));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void noPrivilegeEscalationAndAllCapabilitiesDropped(String overlay) {
        K8sRules.noPrivilegeEscalationAndAllCapabilitiesDropped(Kustomize.render(overlay));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void seccompProfileIsRuntimeDefault(String overlay) {
        K8sRules.seccompProfileIsRuntimeDefault(Kustomize.render(overlay));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void serviceAccountTokenIsNotMounted(String overlay) {
        K8sRules.serviceAccountTokenIsNotMounted(Kustomize.render(overlay));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void secretsComeOnlyFromSecretReferences(String overlay) {
        K8sRules.secretsComeOnlyFromSecretReferences(Kustomize.render(overlay));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void jwtVerificationIsConfigured(String overlay) {
        K8sRules.jwtVerificationIsConfigured(Kustomize.render(overlay));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shutdownIsGraceful(String overlay) {
        K8sRules.shutdownIsGraceful(Kustomize.render(overlay));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void podsSpreadAcrossNodes(String overlay) {
        K8sRules.podsSpreadAcrossNodes(Kustomize.render(overlay));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void serviceRoutesToThePods(String overlay) {
        K8sRules.serviceRoutesToThePods(Kustomize.render(overlay));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void autoscalerScalesTheDeploymentOnCpu(String overlay) {
        K8sRules.autoscalerScalesTheDeploymentOnCpu(Kustomize.render(overlay));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void disruptionBudgetCoversThePods(String overlay) {
        K8sRules.disruptionBudgetCoversThePods(Kustomize.render(overlay));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void ingressOnlyFromTheIngressControllerOn8080(String overlay) {
        K8sRules.ingressOnlyFromTheIngressControllerOn8080(Kustomize.render(overlay));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void egressOnlyToDnsDatabaseAndHttps(String overlay) {
        K8sRules.egressOnlyToDnsDatabaseAndHttps(Kustomize.render(overlay));
    }

    @Test
    void devRunsTheEmulatorAgainstItself() {
        K8sRules.emulatorServesItselfInDev(Kustomize.render("dev"));
    }

    @Test
    void prodCallsGoogleWithTheEmulatorOff() {
        K8sRules.googleIsUpstreamWithEmulatorOff(Kustomize.render("prod"));
    }
}
