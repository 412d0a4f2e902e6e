package org.qkdv2i.v2x.api.message;

/**
 * {@code DangerousGoodsExtended} (TS 102 894-2): DangerousGoodsBasic (0..19), UN number
 * (0..9999), three flags and, optional ({@code null} when absent), the emergency action code
 * (IA5String of 1..24), a phone number (NumericString of 1..16: digits and spaces) and the
 * company name (UTF8String of 1..24 characters).
 */
public record DangerousGoodsExtended(int dangerousGoodsType, int unNumber, boolean elevatedTemperature,
        boolean tunnelsRestricted, boolean limitedQuantity, String emergencyActionCode, String phoneNumber,
        String companyName) {
    public DangerousGoodsExtended {
        Check.range("dangerousGoodsType", dangerousGoodsType, 0, 19);
        Check.range("unNumber", unNumber, 0, 9999);
        Check.ia5("emergencyActionCode", emergencyActionCode, 1, 24);
        if (phoneNumber != null) {
            Check.range("phoneNumber length", phoneNumber.length(), 1, 16);
            if (!phoneNumber.matches("[ 0-9]+")) {
                throw new IllegalArgumentException("phoneNumber is not a NumericString: " + phoneNumber);
            }
        }
        if (companyName != null) {
            Check.range("companyName length", companyName.codePointCount(0, companyName.length()), 1, 24);
        }
    }
}
