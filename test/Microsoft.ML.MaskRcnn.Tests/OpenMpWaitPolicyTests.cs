using System;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace Microsoft.ML.MaskRcnn.Tests
{
    [TestClass]
    public class OpenMpWaitPolicyTests
    {
        [TestMethod]
        public void OnceTensorsExistThePolicyCannotChangeAndSaysSo()
        {
            using var started = torch.zeros(1); // libtorch, and with it OpenMP, is loaded
            string? environment = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY");
            if (!string.IsNullOrEmpty(environment))
            {
                // The caller's policy is kept and reported, whenever asked.
                Assert.AreEqual(environment, OpenMpWaitPolicy.UsePassiveUnlessSet());
                return;
            }
            var error = Assert.ThrowsExactly<InvalidOperationException>(() => OpenMpWaitPolicy.UsePassiveUnlessSet());
            StringAssert.Contains(error.Message, "before any tensor is created");
            Assert.IsNull(Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"), "nothing was changed");
        }
    }
}
