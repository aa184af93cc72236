using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Hub.Infrastructure.Persistence.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class HealthCustomerHealth : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "customer_health",
                columns: table => new
                {
                    CustomerId = table.Column<Guid>(type: "uuid", nullable: false),
                    State = table.Column<byte[]>(type: "bytea", nullable: false),
                    LastContactAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AwaitingReplySince = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UnansweredMessages = table.Column<int>(type: "integer", nullable: false),
                    OpenCases = table.Column<int>(type: "integer", nullable: false),
                    LastUnresolvedComplaintAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    WaitingSince = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Responses = table.Column<int>(type: "integer", nullable: false),
                    MedianResponseSeconds = table.Column<long>(type: "bigint", nullable: true),
                    LastResponseSeconds = table.Column<long>(type: "bigint", nullable: true),
                    ContactsStartedByCustomer = table.Column<int>(type: "integer", nullable: false),
                    ContactsStartedByCompany = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_customer_health", x => x.CustomerId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_customer_health_AwaitingReplySince",
                table: "customer_health",
                column: "AwaitingReplySince");

            migrationBuilder.CreateIndex(
                name: "IX_customer_health_LastUnresolvedComplaintAt",
                table: "customer_health",
                column: "LastUnresolvedComplaintAt");

            migrationBuilder.CreateIndex(
                name: "IX_customer_health_MedianResponseSeconds",
                table: "customer_health",
                column: "MedianResponseSeconds");

            migrationBuilder.CreateIndex(
                name: "IX_customer_health_WaitingSince_CustomerId",
                table: "customer_health",
                columns: new[] { "WaitingSince", "CustomerId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "customer_health");
        }
    }
}
