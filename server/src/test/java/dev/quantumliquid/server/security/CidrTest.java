package dev.quantumliquid.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {
    private static boolean in(String cidr, String address) throws Exception {
        return Cidr.parse(cidr).contains(InetAddress.getByName(address));
    }

    @Test
    void ipv4AndIpv6NetworksContainTheirAddressesOnly() throws Exception {
        assertThat(in("127.0.0.0/8", "127.1.2.3")).isTrue();
        assertThat(in("127.0.0.0/8", "128.0.0.1")).isFalse();
        assertThat(in("10.1.2.3/32", "10.1.2.3")).isTrue();
        assertThat(in("10.1.2.3", "10.1.2.4")).isFalse();
        assertThat(in("10.1.2.128/25", "10.1.2.200")).isTrue();
        assertThat(in("10.1.2.128/25", "10.1.2.127")).isFalse();
        assertThat(in("0.0.0.0/0", "203.0.113.9")).isTrue();
        assertThat(in("::1/128", "::1")).isTrue();
        assertThat(in("::1/128", "::2")).isFalse();
        assertThat(in("fd00::/8", "fd12:3456::1")).isTrue();
        assertThat(in("fd00::/8", "fe80::1")).isFalse();
        assertThat(in("2001:db8::/32", "2001:db8:ffff::1")).isTrue();
        // Families do not mix, except an IPv4-mapped IPv6 address, which is IPv4.
        assertThat(in("::/0", "127.0.0.1")).isFalse();
        assertThat(in("127.0.0.0/8", "::1")).isFalse();
        assertThat(Cidr.parse("127.0.0.0/8").contains(InetAddress.getByAddress(
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1}))).isTrue();
        assertThat(Cidr.parse("10.9.8.7/8").toString()).isEqualTo("10.0.0.0/8");
        assertThat(Cidr.parseList(" 127.0.0.0/8 , ::1/128 ")).hasSize(2);
        assertThat(Cidr.parseList("")).isEmpty();
    }

    @Test
    void malformedNetworksAreRefusedWithoutAskingDns() {
        for (String bad : new String[] {"localhost", "example.com/8", "10.0.0.0/33", "::/129", "300.1.1.1", "1.2.3/8",
            "10.0.0.0/-1", "10.0.0.0/", "fe80::1%eth0", "1.2.3.4.5", ""}) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
