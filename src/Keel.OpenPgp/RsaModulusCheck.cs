using System.Runtime.InteropServices;
using Org.BouncyCastle.Crypto.Parameters;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Keel.OpenPgp;

/// <summary>
/// The validity checks BouncyCastle's <see cref="RsaKeyParameters"/> makes of a public key (odd exponent, odd modulus
/// of a sane size, no small prime factor, provably composite), with the compositeness proof done by OpenSSL.
/// </summary>
/// <remarks>
/// A prime modulus would let anyone compute the private exponent, so it is refused. BouncyCastle proves compositeness
/// with a managed Miller-Rabin round over the whole modulus (100-270 ms at 3072 bits under NativeAOT, once per key
/// conversion); OpenSSL's <c>BN_check_prime</c> does the same proof in about a millisecond. Where libcrypto 3 cannot be
/// loaded, BouncyCastle's own check runs instead, so the answer never depends on the library being present.
/// </remarks>
internal static class RsaModulusCheck
{
    // BouncyCastle's default Org.BouncyCastle.Rsa.MaxSize: a larger modulus is refused rather than computed with.
    private const int MaxModulusBits = 16384;

    // The product of the 131 smallest odd primes, 3 to 743, as BouncyCastle checks it.
    private static readonly BigInteger SmallPrimesProduct = new(
        "8138e8a0fcf3a4e84a771d40fd305d7f4aa59306d7251de54d98af8fe95729a1f73d893fa424cd2edc8636a6c3285e022b0e3866a565ae8108eed8591cd4fe8d2"
        + "ce86165a978d719ebf647f362d33fca29cd179fb42401cbaf3df0c614056f9c8f3cfd51e474afb6bc6974f78db8aba8e9e517fded658591ab7502bd41849462f", 16);

    /// <summary>Why the public key (<paramref name="modulus"/>, <paramref name="exponent"/>) is unusable, or null when it is usable.</summary>
    public static string? Problem(BigInteger modulus, BigInteger exponent)
    {
        if (modulus.SignValue <= 0 || exponent.SignValue <= 0 || exponent.Equals(BigInteger.One))
        {
            return "RSA key parameters are not positive";
        }

        if (!exponent.TestBit(0))
        {
            return "RSA publicExponent is even";
        }

        if (!modulus.TestBit(0))
        {
            return "RSA modulus is even";
        }

        if (modulus.BitLength > MaxModulusBits)
        {
            return "modulus value out of range";
        }

        if (!modulus.Gcd(SmallPrimesProduct).Equals(BigInteger.One))
        {
            return "RSA modulus has a small prime factor";
        }

        return OpenSslIsPrime(modulus) switch
        {
            false => null,
            true => "RSA modulus is not composite",
            null => BouncyCastleProblem(modulus, exponent),
        };
    }

    private static string? BouncyCastleProblem(BigInteger modulus, BigInteger exponent)
    {
        try
        {
            _ = new RsaKeyParameters(false, modulus, exponent);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    /// <summary>True when OpenSSL finds the number (probably) prime, false when it proves it composite, null when it cannot tell.</summary>
    internal static unsafe bool? OpenSslIsPrime(BigInteger value)
    {
        if (!NativeLibrary.TryLoad("libcrypto.so.3", typeof(RsaModulusCheck).Assembly, null, out var library))
        {
            return null;
        }

        try
        {
            if (!NativeLibrary.TryGetExport(library, "BN_bin2bn", out var bin2bn)
                || !NativeLibrary.TryGetExport(library, "BN_check_prime", out var checkPrime)
                || !NativeLibrary.TryGetExport(library, "BN_free", out var free))
            {
                return null;
            }

            byte[] bytes = value.ToByteArrayUnsigned();
            nint bn;
            fixed (byte* p = bytes)
            {
                bn = ((delegate* unmanaged<byte*, int, nint, nint>)bin2bn)(p, bytes.Length, 0);
            }

            if (bn == 0)
            {
                return null;
            }

            try
            {
                // A null BN_CTX and callback: OpenSSL allocates its own context. 1 = probably prime, 0 = composite.
                return ((delegate* unmanaged<nint, nint, nint, int>)checkPrime)(bn, 0, 0) switch
                {
                    0 => false,
                    1 => true,
                    _ => null,
                };
            }
            finally
            {
                ((delegate* unmanaged<nint, void>)free)(bn);
            }
        }
        finally
        {
            NativeLibrary.Free(library);
        }
    }
}
